"""Lay out the report's tables as rows, Markdown and compact text."""

import math
import statistics

from prslab.report import stats
from prslab.report.resources import ALL_SERVICES

OPERATION_HEADER = (
    "operation",
    "topology",
    "samples",
    "req/s",
    "mean ms",
    "median ms",
    "p90 ms",
    "p95 ms",
    "p99 ms",
    "errors %",
    "correct 4xx",
)
CPU_HEADER = (
    "service",
    "topology",
    "pods",
    "avg m per pod",
    "peak m per pod",
    "avg m total",
    "peak m total",
    "peak MiB per pod",
)
CPU_KEYS = (
    "pods",
    "avg_millicores_per_pod",
    "peak_millicores_per_pod",
    "avg_millicores_total",
    "peak_millicores_total",
    "peak_memory_mib_per_pod",
)
USERS_HEADER = (
    "run",
    "topology",
    "users requested",
    "users reached",
    "window s",
    "samples",
)
POD_HEADER = ("run", "service", "pod", "node", "polls", "avg m", "peak m")
DIGITS = {
    "samples": 0,
    "throughput_rps": 1,
    "error_rate_percent": 2,
    "expected_outcomes": 0,
}


def format_number(value, digits=1):
    """Format a figure for a table; None and NaN become a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if digits == 0:
        return f"{round(value):d}"
    return f"{value:.{digits}f}"


def format_aggregate(figure, digits, spread=True):
    """Format the mean over repeats, with the standard deviation when there are two."""
    text = format_number(figure["mean"], digits)
    if spread and figure["n"] > 1:
        text += f" ±{format_number(figure['stdev'], digits)}"
    return text


def operation_rows(topologies, spread=True):
    """Return one row per operation and topology, operations side by side."""
    combined = {topology.name: topology.operations for topology in topologies}
    names = sorted(
        {name for figures in combined.values() for name in figures} - {stats.TOTAL}
    )
    rows = []
    for name in [*names, stats.TOTAL]:
        for topology, figures in combined.items():
            if name not in figures:
                continue
            cells = [
                format_aggregate(figures[name][metric], DIGITS.get(metric, 1), spread)
                for metric in stats.METRICS
            ]
            rows.append([name, topology, *cells])
    return rows


def mean_cpu(runs, service, key):
    """Return the mean of one CPU figure over the runs that measured the service."""
    values = [run.cpu[service][key] for run in runs if service in run.cpu]
    return statistics.fmean(values) if values else None


def cpu_rows(topologies):
    """Return one row per service and topology: millicores per pod and in total."""
    services = sorted(
        {name for t in topologies for run in t.runs for name in run.cpu}
        - {ALL_SERVICES}
    )
    rows = []
    for service in [*services, ALL_SERVICES]:
        for topology in topologies:
            if not any(service in run.cpu for run in topology.runs):
                continue
            cells = [
                format_number(mean_cpu(topology.runs, service, key), 0)
                for key in CPU_KEYS
            ]
            rows.append([service, topology.name, *cells])
    return rows


def cpu_sentences(topologies):
    """Return lab-report lines such as "class-schedule: 625 m (a) vs 237 m (b)".

    A service compares its average per pod; ALL compares the total over services,
    which is what a monolith and a set of microservices spend on the same load.
    """
    lines = []
    for service, measured in cpu_by_service(topologies).items():
        if len(measured) < 2:
            continue
        if service == ALL_SERVICES:
            parts = [f"{round(total):d} m ({name})" for name, _, total, _ in measured]
            lines.append("all services, total: " + " vs ".join(parts))
        else:
            parts = [
                f"{round(avg):d} m ({name}, {pods})" for name, avg, _, pods in measured
            ]
            lines.append(f"{service}, per pod: " + " vs ".join(parts))
    return lines


def cpu_by_service(topologies):
    """Return {service: [(topology, avg m per pod, avg m total, "N pods")]}."""
    measured = {}
    for topology in topologies:
        for service in {name for run in topology.runs for name in run.cpu}:
            per_pod = mean_cpu(topology.runs, service, "avg_millicores_per_pod")
            total = mean_cpu(topology.runs, service, "avg_millicores_total")
            pods = mean_cpu(topology.runs, service, "pods")
            label = "1 pod" if pods == 1 else f"{pods:g} pods"
            entry = (topology.name, per_pod, total, label)
            measured.setdefault(service, []).append(entry)
    return dict(sorted(measured.items()))


def users_rows(topologies):
    """Return one row per run: users requested and reached, window and samples."""
    rows = []
    for topology in topologies:
        for run in topology.runs:
            # A run without load has no TOTAL, so its window and samples read 0.
            total = run.operations.get(stats.TOTAL, {"window_s": 0, "samples": 0})
            rows.append(
                [
                    topology.run_title(run),
                    topology.name,
                    format_number(run.requested_users, 0),
                    format_number(run.reached_users, 0),
                    format_number(total["window_s"], 1),
                    format_number(total["samples"], 0),
                ]
            )
    return rows


def pod_rows(topologies):
    """Return one row per pod of every run: average and peak millicores."""
    rows = []
    for topology in topologies:
        for run in topology.runs:
            for pod in run.pods:
                rows.append(
                    [
                        topology.run_title(run),
                        pod["service"],
                        pod["pod"],
                        pod["node"],
                        format_number(pod["polls"], 0),
                        format_number(pod["avg_millicores"], 0),
                        format_number(pod["peak_millicores"], 0),
                    ]
                )
    return rows


def is_number(text):
    """Return whether a table cell shows a figure (or a dash for none)."""
    head = str(text).split(" ")[0]
    try:
        float(head)
    except ValueError:
        return head == "-"
    return True


def markdown(header, rows):
    """Render a Markdown table with figures aligned right."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    align = [
        "---:" if cells and all(map(is_number, cells)) else "---" for cells in columns
    ]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


TERMINAL_COLUMNS = 100
# Operation and service names have at most 14 characters ("drop-selection").
OPERATION_WIDTH = 14


def abbreviate(text, width):
    """Cut text to width, keeping its end, where labels such as timestamps differ."""
    text = str(text)
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1) :]


def fit_names(header, rows, widths):
    """Return widths with the topology column (None) given the columns left over."""
    fixed = sum(width for width in widths if width is not None)
    spare = TERMINAL_COLUMNS - fixed - (len(widths) - 1)
    longest = max(len(str(row[1])) for row in [header, *rows])
    return [min(longest, spare) if width is None else width for width in widths]


def compact(header, rows, widths):
    """Render a fixed-width text table within 100 columns.

    A width of None gives that column the room the others leave; a name longer
    than its column loses its start, shown as "…".
    """
    widths = fit_names(header, rows, widths)

    def line(cells):
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text = abbreviate(cell, width)
            parts.append(text.ljust(width) if i < 2 else text.rjust(width))
        return " ".join(parts)

    return "\n".join(
        [line(header), line(["-" * width for width in widths])]
        + [line(row) for row in rows]
    )


def compact_operations(topologies):
    """Render the operations table for a terminal, within 100 columns."""
    header = (
        "operation",
        "topology",
        "samples",
        "req/s",
        "mean",
        "p50",
        "p90",
        "p95",
        "p99",
        "err%",
        "4xx",
    )
    # The topology column takes what the figures leave: up to 23 characters.
    widths = (OPERATION_WIDTH, None, 7, 6, 6, 6, 6, 6, 6, 5, 5)
    return compact(header, operation_rows(topologies, spread=False), widths)


def compact_cpu(topologies):
    """Render the CPU table for a terminal, within 100 columns."""
    header = (
        "service",
        "topology",
        "pods",
        "m/pod",
        "peak/pod",
        "m total",
        "peak tot",
        "MiB/pod",
    )
    widths = (OPERATION_WIDTH, None, 4, 8, 8, 8, 8, 8)
    return compact(header, cpu_rows(topologies), widths)
