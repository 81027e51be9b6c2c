"""Write the report as Markdown, self-contained HTML and summary.json."""

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jinja2

from prslab.report import stats, tables
from prslab.report.resources import ALL_SERVICES

METHOD = (
    "Response times are JMeter's elapsed time in milliseconds. Percentiles, the median"
    " included, use the nearest-rank method: the p-th percentile of n sorted times is"
    " the value at rank ceil(p/100 x n). Throughput is samples divided by the"
    " run's measured window, from the first sample's start to the last response's"
    " end over every sample of the run. Each operation uses that same window, so the"
    " operations' req/s add up to TOTAL."
    " Errors are samples that JMeter marked failed. Correct 4xx counts responses"
    " that are right under load (such as 409 class_full) and passed the assertions."
    " With repeats, each figure is the mean over the repeats ± the sample standard"
    " deviation."
)
CPU_METHOD = (
    "CPU is in millicores (1000 m is one core busy), from the polls within the"
    " measured window only. Per pod is the mean or peak over those polls of every pod"
    " (locally, a replica's process tree). Total sums the pods of a service at each"
    " poll, and ALL sums every service at each poll. The plots show every poll."
)


@dataclass
class Section:
    """One section of the report: text, an optional table and optional images."""

    title: str
    paragraphs: list = field(default_factory=list)
    header: tuple = ()
    rows: list = field(default_factory=list)
    images: list = field(default_factory=list)


def build_sections(topologies, plot_paths):
    """Return the report's sections in reading order."""
    sections = [
        Section(
            "Users",
            ["Users requested (run.json) and reached (max allThreads)."],
            tables.USERS_HEADER,
            tables.users_rows(topologies),
        ),
        Section(
            "Operations",
            [METHOD],
            tables.OPERATION_HEADER,
            tables.operation_rows(topologies),
        ),
    ]

    outcomes = outcome_lines(topologies)
    if outcomes:
        sections.append(Section("Correct outcomes under load", outcomes))

    cpu_rows = tables.cpu_rows(topologies)
    if cpu_rows:
        sections.append(
            Section(
                "CPU",
                [CPU_METHOD, *tables.cpu_sentences(topologies)],
                tables.CPU_HEADER,
                cpu_rows,
            )
        )

    if any(
        run.replicas or scaled(run) for topology in topologies for run in topology.runs
    ):
        sections.append(
            Section(
                "CPU per pod",
                ["Average and peak millicores of each pod."],
                tables.POD_HEADER,
                tables.pod_rows(topologies),
            )
        )

    sections.append(Section("Plots", images=plot_paths))
    return sections


def scaled(run):
    """Return whether any service of the run had more than one pod."""
    return any(
        figures["pods"] > 1 for name, figures in run.cpu.items() if name != ALL_SERVICES
    )


def outcome_lines(topologies):
    """Return one line per run and operation listing its correct 4xx outcomes."""
    lines = []
    for topology in topologies:
        for run in topology.runs:
            for name, figures in run.operations.items():
                kinds = figures["expected_outcome_kinds"]
                if name != stats.TOTAL and kinds:
                    listed = ", ".join(
                        f"{count} x {kind}" for kind, count in kinds.items()
                    )
                    lines.append(f"{topology.run_title(run)}, {name}: {listed}")
    return lines


def render_markdown(title, sources, sections, out_dir):
    """Render the sections as Markdown with images linked relatively."""
    parts = [f"# {title}", "", f"Results: {', '.join(sources)}", ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            parts += [paragraph, ""]
        if section.rows:
            parts += [tables.markdown(section.header, section.rows), ""]
        for image in section.images:
            relative = image.relative_to(out_dir).as_posix()
            parts += [f"![{image.stem}]({relative})", ""]
    return "\n".join(parts)


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 72em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; display: block; margin: 1em 0; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>Results: {{ sources | join(", ") }}</p>
{% for section in sections %}
<h2>{{ section.title }}</h2>
{% for paragraph in section.paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}
{% if section.rows %}
<table>
<tr>{% for cell in section.header %}<th>{{ cell }}</th>{% endfor %}</tr>
{% for row in section.rows %}
<tr>{% for cell in row %}
<td{% if is_number(cell) %} class="number"{% endif %}>{{ cell }}</td>
{% endfor %}</tr>
{% endfor %}
</table>
{% endif %}
{% for image in section.images %}
<img alt="{{ image.stem }}" src="data:image/png;base64,{{ embed(image) }}">
{% endfor %}
{% endfor %}
</body>
</html>
"""


def embed(path):
    """Return a PNG file as base64, so the HTML report is one self-contained file."""
    return base64.b64encode(path.read_bytes()).decode("ascii")


def render_html(title, sources, sections):
    """Render the sections as one HTML page with the plots embedded."""
    environment = jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    template = environment.from_string(HTML_TEMPLATE)
    return template.render(
        title=title,
        sources=sources,
        sections=sections,
        embed=embed,
        is_number=tables.is_number,
    )


def summarize(topologies, sources, plot_paths, out_dir):
    """Return the report's figures as a JSON-ready dict."""
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": sources,
        "percentile_method": "nearest-rank",
        "topologies": {
            topology.name: {
                "runs": [run.label for run in topology.runs],
                "operations": topology.operations,
            }
            for topology in topologies
        },
        "runs": {
            topology.run_title(run): summarize_run(run)
            for topology in topologies
            for run in topology.runs
        },
        "plots": [path.relative_to(out_dir).as_posix() for path in plot_paths],
    }


def summarize_run(run):
    """Return one run's figures as a JSON-ready dict."""
    return {
        "label": run.label,
        "path": str(run.path),
        "users_requested": run.requested_users,
        "users_reached": run.reached_users,
        "operations": run.operations,
        "cpu": run.cpu,
        "pods": run.pods,
        "has_replicas": run.replicas is not None,
    }


def write_all(topologies, sources, plot_paths, out_dir, title="PRS Lab report"):
    """Write summary.json, report.md and report.html into out_dir."""
    sections = build_sections(topologies, plot_paths)
    summary = summarize(topologies, sources, plot_paths, out_dir)

    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out_dir / "report.md").write_text(
        render_markdown(title, sources, sections, out_dir)
    )
    (out_dir / "report.html").write_text(render_html(title, sources, sections))
    return summary
