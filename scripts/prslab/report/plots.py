"""Draw the report's PNG plots with matplotlib's Agg backend."""

import math
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # files only: no display on lab machines and in CI

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from prslab.report import stats  # noqa: E402
from prslab.report.resources import poll_totals  # noqa: E402

# Keep at most this many points per line, so a long run still reads clearly.
MAX_POINTS = 300


def bucket_seconds(runs):
    """Return the width of a time bucket, one second unless the runs are long."""
    longest = max(run.operations[stats.TOTAL]["window_s"] for run in runs)
    return max(1, math.ceil(longest / MAX_POINTS))


def run_start_s(run):
    """Return the origin of a run's plots in epoch seconds.

    That is the first request's start, or the first poll in a run without load.
    """
    if run.samples:
        return min(sample.start_ms for sample in run.samples) / 1000
    polls = [sample.time for sample in run.resources + (run.replicas or [])]
    return min(polls, default=0.0)


def save(figure, path):
    """Write a figure to a PNG and release its memory."""
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def plot_load(topologies, plots_dir):
    """Plot response time and throughput over time, one line per run."""
    runs = [run for topology in topologies for run in topology.runs if run.samples]
    if not runs:
        return []
    bucket = bucket_seconds(runs)
    figures = {
        "response_time": ("mean response time (ms)", 2),
        "throughput": ("throughput (req/s)", 1),
    }

    paths = []
    for name, (ylabel, column) in figures.items():
        figure, axes = plt.subplots(figsize=(9, 4))
        for topology in topologies:
            for run in (run for run in topology.runs if run.samples):
                series = stats.time_series(run.samples, bucket)
                axes.plot(
                    [p[0] for p in series],
                    [p[column] for p in series],
                    label=topology.run_title(run),
                )
        axes.set_xlabel(f"time since start (s), {bucket} s buckets")
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3)
        axes.legend()
        paths.append(save(figure, plots_dir / f"{name}.png"))
    return paths


def cpu_series(run):
    """Return {service: (seconds, millicores summed over pods)} of one run."""
    by_service = defaultdict(list)
    for sample in run.resources:
        by_service[sample.service].append(sample)

    origin = run_start_s(run)
    series = {}
    for service, samples in sorted(by_service.items()):
        totals = sorted(poll_totals(samples).items())
        series[service] = ([t - origin for t, _ in totals], [m for _, m in totals])
    return series


def plot_cpu(topologies, plots_dir):
    """Plot CPU per service over time, one panel per run."""
    runs = [(t, run) for t in topologies for run in t.runs if run.resources]
    if not runs:
        return []

    figure, panels = plt.subplots(
        len(runs), 1, figsize=(9, 3.2 * len(runs)), squeeze=False
    )
    for (topology, run), axes in zip(runs, panels[:, 0], strict=True):
        for service, (seconds, millicores) in cpu_series(run).items():
            axes.plot(seconds, millicores, label=service)
        axes.set_title(topology.run_title(run))
        axes.set_ylabel("CPU (millicores)")
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small", ncol=2)
    panels[-1, 0].set_xlabel("time since start (s)")
    return [save(figure, plots_dir / "cpu.png")]


def plot_replicas(topology, run, plots_dir):
    """Plot replicas per service against throughput and response time for one run."""
    origin = run_start_s(run)
    by_service = defaultdict(list)
    for sample in run.replicas:
        if sample.current_replicas is None:
            continue
        by_service[sample.service].append(
            (sample.time - origin, sample.current_replicas)
        )

    # Without requests (an autoscaler episode on simulated nodes) only the
    # replicas panel has data to show.
    rows = 3 if run.samples else 1
    figure, panels = plt.subplots(
        rows, 1, figsize=(9, 8 if run.samples else 3.5), sharex=True, squeeze=False
    )
    replicas = panels[0, 0]
    for service, points in sorted(by_service.items()):
        points.sort()
        replicas.step(
            [p[0] for p in points], [p[1] for p in points], where="post", label=service
        )
    replicas.yaxis.set_major_locator(MaxNLocator(integer=True))
    replicas.set_ylabel("current replicas")
    replicas.legend(fontsize="small", ncol=2)
    replicas.set_title(topology.run_title(run))
    if run.samples:
        plot_load_panels(run, panels[1, 0], panels[2, 0])
    panels[-1, 0].set_xlabel("time since start (s)")
    for axes in panels[:, 0]:
        axes.grid(alpha=0.3)
    return save(
        figure, plots_dir / f"replicas-{safe_name(topology.run_title(run))}.png"
    )


def plot_load_panels(run, throughput, latency):
    """Draw a run's throughput and mean response time under its replicas."""
    series = stats.time_series(run.samples, bucket_seconds([run]))
    throughput.plot([p[0] for p in series], [p[1] for p in series])
    throughput.set_ylabel("throughput (req/s)")
    latency.plot([p[0] for p in series], [p[2] for p in series], color="tab:red")
    latency.set_ylabel("mean response time (ms)")


def safe_name(text):
    """Return text usable in a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def draw_all(topologies, plots_dir):
    """Draw every plot into plots_dir and return the paths written."""
    plots_dir.mkdir(parents=True, exist_ok=True)
    paths = plot_load(topologies, plots_dir) + plot_cpu(topologies, plots_dir)
    for topology in topologies:
        for run in topology.runs:
            if run.replicas:
                paths.append(plot_replicas(topology, run, plots_dir))
    return paths
