"""Build reports from result folders: tables, plots, Markdown, HTML and summary.json.

`build_report(result_dir)` is the entry point for the local and cluster runners;
`prslab report DIR` and `prslab compare DIR_A DIR_B` are the commands.
"""

import logging
from datetime import datetime
from pathlib import Path

from prslab.report import document, plots, tables
from prslab.report.errors import ReportError
from prslab.report.model import Topology, load_topologies

__all__ = ["ReportError", "build_report", "compare", "register"]

logger = logging.getLogger(__name__)


def write_report(topologies, sources, out_dir, title):
    """Draw the plots and write the report files into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plot_paths = plots.draw_all(topologies, out_dir / "plots")
    summary = document.write_all(topologies, sources, plot_paths, out_dir, title)
    logger.info("wrote %s and %s", out_dir / "report.md", out_dir / "report.html")
    return summary


def display_path(path):
    """Return a path relative to the working folder when it lies inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build_report(result_dir):
    """Write summary.json, report.md, report.html and plots/ into a result folder."""
    result_dir = Path(result_dir)
    topologies = load_topologies(result_dir)
    sources = [display_path(result_dir)]
    return write_report(topologies, sources, result_dir, "PRS Lab report")


def relabel(topologies, label):
    """Prefix topology names with the result folder's label, for a comparison."""
    if len(topologies) == 1:
        return [Topology(label, topologies[0].runs)]
    return [
        Topology(f"{label}/{topology.name}", topology.runs) for topology in topologies
    ]


def load_pair(dir_a, dir_b, labels=None):
    """Read two result folders into one list of topologies, named by their labels."""
    labels = check_labels(labels or default_labels(dir_a, dir_b), bool(labels))
    topologies = relabel(load_topologies(dir_a), labels[0])
    return topologies + relabel(load_topologies(dir_b), labels[1]), labels


def compare(dir_a, dir_b, out_dir=None, labels=None):
    """Write one report that sets two result folders side by side."""
    dir_a, dir_b = Path(dir_a), Path(dir_b)
    topologies, labels = load_pair(dir_a, dir_b, labels)
    out_dir = Path(out_dir) if out_dir else default_out_dir(dir_a)
    title = f"PRS Lab comparison: {labels[0]} vs {labels[1]}"
    sources = [display_path(dir_a), display_path(dir_b)]
    return write_report(topologies, sources, out_dir, title)


def default_out_dir(dir_a):
    """Return compare-<timestamp>/ beside the first result folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return dir_a.resolve().parent / f"compare-{stamp}"


def default_labels(dir_a, dir_b):
    """Return the names of the two folders as their labels."""
    return Path(dir_a).resolve().name, Path(dir_b).resolve().name


def check_labels(labels, given):
    """Return the labels, raising ReportError when both are equal.

    Equal labels would give both folders' topologies the same names, so the
    report would merge their runs as repeats of one topology.
    """
    if labels[0] != labels[1]:
        return tuple(labels)
    if given:
        raise ReportError(
            f"--labels are both {labels[0]!r}; give the two folders different labels"
        )
    raise ReportError(
        f"both folders are named {labels[0]!r}; name them apart with --labels A B"
    )


def print_tables(topologies):
    """Print the side-by-side tables to stdout, within 100 columns."""
    print(tables.compact_operations(topologies))
    if tables.cpu_rows(topologies):
        print()
        print(tables.compact_cpu(topologies))


def run_report(args):
    """Rebuild the report of one result folder and print its tables."""
    result_dir = Path(args.result_dir)
    try:
        topologies = load_topologies(result_dir)
        write_report(topologies, [str(result_dir)], result_dir, "PRS Lab report")
    except ReportError as error:
        logger.error("%s", error)
        return 1
    print_tables(topologies)
    return 0


def run_compare(args):
    """Write the side-by-side report of two result folders and print its tables."""
    dir_a, dir_b = Path(args.dir_a), Path(args.dir_b)
    try:
        topologies, labels = load_pair(dir_a, dir_b, args.labels)
        out_dir = args.out or default_out_dir(dir_a)
        title = f"PRS Lab comparison: {labels[0]} vs {labels[1]}"
        write_report(topologies, [str(dir_a), str(dir_b)], out_dir, title)
    except ReportError as error:
        logger.error("%s", error)
        return 1
    print_tables(topologies)
    print(f"\nreport: {out_dir / 'report.html'}")
    return 0


def register(subparsers):
    """Add the `report` and `compare` subcommands."""
    report = subparsers.add_parser(
        "report", help="rebuild the report of a result folder"
    )
    report.add_argument(
        "result_dir", metavar="DIR", help="a results/<timestamp>/ folder"
    )
    report.set_defaults(func=run_report)

    compare_parser = subparsers.add_parser(
        "compare", help="set two result folders side by side in one report"
    )
    compare_parser.add_argument("dir_a", metavar="DIR_A", help="first result folder")
    compare_parser.add_argument("dir_b", metavar="DIR_B", help="second result folder")
    compare_parser.add_argument(
        "--out",
        type=Path,
        help="folder to write the report into (default: "
        "compare-<timestamp>/ beside DIR_A)",
    )
    compare_parser.add_argument(
        "--labels",
        nargs=2,
        metavar=("A", "B"),
        help="names of the two folders in tables",
    )
    compare_parser.set_defaults(func=run_compare)
