"""Report figures checked against the raw JTL and sampler rows of fixture folders."""

import argparse
import json
import statistics

import numpy
import pytest

from prslab.report import ReportError, build_report, compare, register
from tests.report.result_folders import (
    START_MS,
    ResultFolder,
    jtl_row,
    synthetic_jtl,
    synthetic_resources,
)

MICROSERVICES = {
    "class-schedule": 1,
    "exam-schedule": 1,
    "add-selection": 1,
    "gateway": 1,
}


def run_window_s(rows):
    """Return seconds from the run's first sample start to its last response end."""
    starts = [r["timeStamp"] for r in rows]
    ends = [r["timeStamp"] + r["elapsed"] for r in rows]
    return (max(ends) - min(starts)) / 1000


def expected_figures(rows, operation):
    """Compute one operation's figures from raw JTL rows, apart from the report code."""
    chosen = [r for r in rows if r["label"].split(" (")[0] == operation]
    elapsed = numpy.array([r["elapsed"] for r in chosen])
    percentile = {
        p: float(numpy.percentile(elapsed, p, method="inverted_cdf"))
        for p in (50, 90, 95, 99)
    }
    return {
        "samples": len(chosen),
        "throughput_rps": len(chosen) / run_window_s(rows),
        "mean_ms": float(elapsed.mean()),
        "median_ms": percentile[50],
        "p90_ms": percentile[90],
        "p95_ms": percentile[95],
        "p99_ms": percentile[99],
        "error_rate_percent": 100
        * sum(r["success"] == "false" for r in chosen)
        / len(chosen),
        "expected_outcomes": sum(r["responseCode"] == "409" for r in chosen),
    }


@pytest.fixture
def two_topologies(result_folder):
    """Return a result folder with one monolith run and one microservices run."""
    return fill_two_topologies(result_folder)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Return a two-topology result folder and its summary, built once per module."""
    folder = ResultFolder(tmp_path_factory.mktemp("results") / "20251009-100000")
    fill_two_topologies(folder)
    return folder, build_report(folder.path)


def fill_two_topologies(result_folder):
    """Add a monolith run and a microservices run to a result folder."""
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1))
    result_folder.add_resources("monolith", synthetic_resources({"monolith": 1}))
    result_folder.add_jtl("microservices", synthetic_jtl(seed=2, slow=1.4))
    result_folder.add_resources("microservices", synthetic_resources(MICROSERVICES))
    return result_folder


def test_report_writes_every_file(built):
    two_topologies, _ = built

    for name in ("summary.json", "report.md", "report.html"):
        assert (two_topologies.path / name).stat().st_size > 0
    for plot in ("response_time.png", "throughput.png", "cpu.png"):
        assert (two_topologies.path / "plots" / plot).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("label", ["monolith", "microservices"])
@pytest.mark.parametrize(
    "operation", ["class schedule", "exam schedule", "add selection"]
)
def test_operation_figures_match_jtl(built, label, operation):
    two_topologies, summary = built

    figures = summary["runs"][label]["operations"][operation]
    expected = expected_figures(two_topologies.runs[label], operation)
    for metric, value in expected.items():
        assert figures[metric] == pytest.approx(value, rel=1e-12), metric


def test_total_counts_every_sample(built):
    two_topologies, summary = built

    total = summary["runs"]["monolith"]["operations"]["TOTAL"]
    assert total["samples"] == 300
    assert total["errors"] == sum(
        r["success"] == "false" for r in two_topologies.runs["monolith"]
    )
    assert total["errors"] > 0


def test_operation_throughputs_sum_to_total(built):
    two_topologies, summary = built

    operations = dict(summary["runs"]["monolith"]["operations"])
    total = operations.pop("TOTAL")
    assert sum(f["throughput_rps"] for f in operations.values()) == pytest.approx(
        total["throughput_rps"], rel=1e-12
    )
    assert total["throughput_rps"] == pytest.approx(
        300 / run_window_s(two_topologies.runs["monolith"]), rel=1e-12
    )


def test_short_operation_uses_run_window(result_folder):
    # Drop selection runs only in the last second of a ten-second run.
    rows = [jtl_row(START_MS + 500 * i, 20, "class schedule") for i in range(21)]
    rows += [jtl_row(START_MS + 9_000 + 50 * i, 5, "drop selection") for i in range(20)]
    result_folder.add_jtl("monolith", rows)

    summary = build_report(result_folder.path)

    drop = summary["runs"]["monolith"]["operations"]["drop selection"]
    assert drop["throughput_rps"] == pytest.approx(20 / 10.02, rel=1e-12)
    assert drop["window_s"] == pytest.approx(10.02)


def test_conflicts_counted_apart_not_errors(built):
    two_topologies, summary = built

    add = summary["runs"]["monolith"]["operations"]["add selection"]
    conflicts = sum(
        r["label"] == "add selection (409 class_full)"
        for r in two_topologies.runs["monolith"]
    )
    assert conflicts > 0
    assert add["expected_outcome_kinds"] == {"409 class_full": conflicts}
    assert (
        "add selection (409 class_full)"
        not in summary["runs"]["monolith"]["operations"]
    )


def test_cpu_averages_and_peaks(built):
    two_topologies, summary = built

    rows = synthetic_resources(MICROSERVICES)
    gateway = [row[4] for row in rows if row[1] == "gateway"]
    cpu = summary["runs"]["microservices"]["cpu"]
    assert cpu["gateway"]["avg_millicores_per_pod"] == pytest.approx(
        statistics.fmean(gateway)
    )
    assert cpu["gateway"]["peak_millicores_per_pod"] == max(gateway)
    per_second = [
        sum(row[4] for row in rows if round(row[0]) == t)
        for t in sorted({round(row[0]) for row in rows})
    ]
    assert cpu["ALL"]["avg_millicores_total"] == pytest.approx(
        statistics.fmean(per_second)
    )
    assert cpu["ALL"]["peak_millicores_total"] == pytest.approx(max(per_second))
    assert set(cpu) == {*MICROSERVICES, "ALL"}


def test_users_requested_and_reached(built):
    two_topologies, summary = built

    run = summary["runs"]["monolith"]
    assert run["users_requested"] == 20
    assert run["users_reached"] == max(
        r["allThreads"] for r in two_topologies.runs["monolith"]
    )


def test_markdown_tables_show_figures(built):
    two_topologies, summary = built

    report = (two_topologies.path / "report.md").read_text()
    mean = summary["runs"]["microservices"]["cpu"]["class-schedule"][
        "avg_millicores_per_pod"
    ]
    assert "| class schedule | monolith | 100 |" in report
    assert f"| class-schedule | microservices | 1 | {round(mean)} |" in report
    assert "all services, total:" in report
    assert "CPU per pod" not in report
    assert "](plots/cpu.png)" in report


def test_html_embeds_every_plot(built):
    two_topologies, _ = built

    html = (two_topologies.path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3
    assert '<td class="number">100</td>' in html


def test_repeats_report_mean_and_spread(result_folder):
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=300))
    result_folder.add_jtl("monolith-2", synthetic_jtl(seed=5, samples=240))

    summary = build_report(result_folder.path)

    samples = summary["topologies"]["monolith"]["operations"]["TOTAL"]["samples"]
    assert summary["topologies"]["monolith"]["runs"] == ["monolith", "monolith-2"]
    assert samples["mean"] == 270
    assert samples["stdev"] == pytest.approx(statistics.stdev([300, 240]))
    assert (
        "| TOTAL | monolith | 270 ±42 |"
        in (result_folder.path / "report.md").read_text()
    )


def test_quoted_commas_and_newlines_parse(result_folder):
    rows = [jtl_row(START_MS + i, 10 + i, "exam schedule") for i in range(3)]
    rows[1].update(
        success="false",
        responseMessage='Bad, "very" bad',
        failureMessage="line one,\nline two",
    )
    result_folder.add_jtl("monolith", rows)

    summary = build_report(result_folder.path)

    figures = summary["runs"]["monolith"]["operations"]["exam schedule"]
    assert figures["samples"] == 3
    assert figures["errors"] == 1


def replica_rows():
    """Return replicas.csv rows of class-schedule scaling from one pod to three."""
    return [
        (
            START_MS / 1000 + t,
            "class-schedule",
            1 + t // 4,
            1 + t // 3,
            80 - t,
            1 + t // 4,
        )
        for t in range(10)
    ]


def test_replicas_add_plot_and_pod_table(result_folder):
    result_folder.add_jtl("microservices", synthetic_jtl(seed=3))
    result_folder.add_resources(
        "microservices", synthetic_resources({"class-schedule": 3})
    )
    result_folder.add_replicas("microservices", replica_rows())

    summary = build_report(result_folder.path)

    report = (result_folder.path / "report.md").read_text()
    assert (result_folder.path / "plots" / "replicas-microservices.png").is_file()
    assert "plots/replicas-microservices.png" in summary["plots"]
    assert "## CPU per pod" in report
    for pod in range(3):
        assert (
            f"| microservices | class-schedule | class-schedule-{pod} | worker-"
            in report
        )
    assert summary["runs"]["microservices"]["cpu"]["class-schedule"]["pods"] == 3


def test_replicas_without_load_reported(result_folder):
    (result_folder.path / "microservices").mkdir()
    result_folder.add_resources(
        "microservices", synthetic_resources({"class-schedule": 3})
    )
    result_folder.add_replicas("microservices", replica_rows())

    summary = build_report(result_folder.path)

    run = summary["runs"]["microservices"]
    assert run["operations"] == {}
    assert run["cpu"]["class-schedule"]["pods"] == 3
    assert (result_folder.path / "plots" / "replicas-microservices.png").is_file()
    assert not (result_folder.path / "plots" / "throughput.png").exists()


def test_missing_jtl_without_replicas_rejected(result_folder):
    (result_folder.path / "monolith").mkdir()
    result_folder.add_resources("monolith", synthetic_resources({"monolith": 1}))

    with pytest.raises(ReportError, match="kpi.jtl"):
        build_report(result_folder.path)


def test_compare_sets_folders_side_by_side(two_topologies, tmp_path):
    other = tmp_path / "cluster"
    other_folder = type(two_topologies)(other)
    other_folder.add_jtl("microservices", synthetic_jtl(seed=4, slow=0.7))
    other_folder.add_resources(
        "microservices", synthetic_resources({"class-schedule": 3})
    )
    other_folder.add_replicas("microservices", replica_rows())
    out = tmp_path / "compare"

    summary = compare(two_topologies.path, other, out, labels=("local", "autoscaled"))

    assert list(summary["topologies"]) == [
        "local/monolith",
        "local/microservices",
        "autoscaled",
    ]
    report = (out / "report.md").read_text()
    assert "| class schedule | local/monolith | 100 |" in report
    assert "| class schedule | autoscaled | 100 |" in report
    assert "class-schedule, per pod:" in report
    assert (out / "plots" / "replicas-autoscaled__microservices.png").is_file()
    assert not (two_topologies.path / "report.md").exists()


def main(argv):
    """Run the report commands as `prslab` would, without the other subcommands."""
    parser = argparse.ArgumentParser(prog="prslab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_compare_command_prints_table(two_topologies, tmp_path, capsys):
    out = tmp_path / "compare"

    status = main(
        [
            "compare",
            str(two_topologies.path),
            str(two_topologies.path),
            "--out",
            str(out),
            "--labels",
            "first",
            "second",
        ]
    )

    printed = capsys.readouterr().out
    assert status == 0
    assert "first/monolith" in printed
    assert "second/microservices" in printed
    assert max(len(line) for line in printed.splitlines()) <= 100
    assert json.loads((out / "summary.json").read_text())["sources"]


def test_report_command_rebuilds_report(two_topologies, capsys):
    status = main(["report", str(two_topologies.path)])

    assert status == 0
    assert "class schedule" in capsys.readouterr().out
    assert (two_topologies.path / "report.html").is_file()


def test_cpu_leaves_out_idle_polls(result_folder):
    load = synthetic_resources({"monolith": 1})
    idle_before = (START_MS / 1000 - 5, "monolith", "monolith-0", "worker-1", 1.0, 60)
    idle_after = (START_MS / 1000 + 30, "monolith", "monolith-0", "worker-1", 2.0, 60)
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1))
    result_folder.add_resources("monolith", [idle_before, *load, idle_after])

    cpu = build_report(result_folder.path)["runs"]["monolith"]["cpu"]["monolith"]

    assert cpu["avg_millicores_per_pod"] == pytest.approx(
        statistics.fmean(row[4] for row in load)
    )
    assert cpu["peak_millicores_per_pod"] == max(row[4] for row in load)


def bzt_folder(tmp_path, name, seed):
    """Write a plain `bzt jmeter/prs.yml` artifacts folder: kpi.jtl and no run.json."""
    folder = ResultFolder(tmp_path / "bzt" / name)
    (folder.path / "run.json").unlink()
    jtl = folder.add_jtl("artifacts", synthetic_jtl(seed=seed))
    (jtl / "kpi.jtl").rename(folder.path / "kpi.jtl")
    jtl.rmdir()
    return folder.path


def test_compare_reads_bzt_artifacts_folders(tmp_path, capsys):
    first = bzt_folder(tmp_path, "20261203-230809", seed=1)
    second = bzt_folder(tmp_path, "20261203-231500", seed=2)
    out = tmp_path / "compare"

    status = main(["compare", str(first), str(second), "--out", str(out)])

    summary = json.loads((out / "summary.json").read_text())
    assert status == 0
    assert list(summary["topologies"]) == ["20261203-230809", "20261203-231500"]
    assert summary["runs"]["20261203-231500"]["operations"]["TOTAL"]["samples"] == 300
    assert "20261203-231500" in capsys.readouterr().out


def test_compare_run_folder_takes_topology(two_topologies, tmp_path):
    out = tmp_path / "compare"

    summary = compare(
        two_topologies.path / "monolith", two_topologies.path / "microservices", out
    )

    assert list(summary["topologies"]) == ["monolith", "microservices"]
    assert summary["runs"]["monolith"]["users_requested"] == 20


def test_compare_table_keeps_label_ends(two_topologies, tmp_path, capsys):
    out = tmp_path / "compare"
    labels = ["20261203-230809", "20261203-231500"]

    status = main(
        ["compare", str(two_topologies.path), str(two_topologies.path)]
        + ["--out", str(out), "--labels", *labels]
    )

    printed = capsys.readouterr().out.splitlines()
    assert status == 0
    assert max(len(line) for line in printed) <= 100
    # 23 characters are left for the topology column, so the start is cut.
    assert any(" …3-230809/microservices " in line for line in printed)
    assert any(" …261203-231500/monolith " in line for line in printed)
