"""Malformed result folders give one clear error naming the file, not a traceback."""

import argparse
import logging

import pytest

from prslab.report import ReportError, build_report, register
from tests.report.result_folders import JTL_HEADER, synthetic_jtl


def write(path, text):
    """Write text to a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


HEADER = ",".join(JTL_HEADER) + "\n"
GOOD_ROW = (
    "1760000000000,12,class schedule,200,OK,t 1-1,text,true,,10,10,1,1,u,11,0,0\n"
)
RESOURCES = "time,service,pod,node,cpu_millicores,memory_mib\n"

# (file to write under the run folder, its text, part of the expected message)
CASES = {
    "empty jtl": ("kpi.jtl", "", "kpi.jtl: empty file"),
    "header only": ("kpi.jtl", HEADER, "kpi.jtl: contains a header but no samples"),
    "no header": ("kpi.jtl", GOOD_ROW, "kpi.jtl: header lacks"),
    "bad elapsed": (
        "kpi.jtl",
        HEADER + GOOD_ROW + GOOD_ROW.replace(",12,", ",slow,"),
        "kpi.jtl:3: invalid number",
    ),
    "short row": (
        "kpi.jtl",
        HEADER + GOOD_ROW + "1760000000000,12\n",
        "kpi.jtl:3: wrong",
    ),
    "long row": (
        "kpi.jtl",
        HEADER + GOOD_ROW.replace("\n", ",extra\n"),
        "kpi.jtl:2: wrong",
    ),
    "bad success": (
        "kpi.jtl",
        HEADER + GOOD_ROW.replace(",true,", ",maybe,"),
        "kpi.jtl:2: success is 'maybe'",
    ),
    "bad cpu": (
        "resources.csv",
        RESOURCES + "1760000000,monolith,monolith-0,local,lots,50\n",
        "resources.csv:2: invalid value",
    ),
    "resources header": (
        "resources.csv",
        "time,service\n",
        "resources.csv: header lacks",
    ),
    "bad replicas": (
        "replicas.csv",
        "time,service,current_replicas,desired_replicas,cpu_utilization_percent,"
        "ready_pods\n1760000000,gateway,two,2,40,2\n",
        "replicas.csv:2: invalid value",
    ),
}


def run_report_command(path):
    """Run `prslab report PATH` through the report module's own parser."""
    parser = argparse.ArgumentParser(prog="prslab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", str(path)])
    return args.func(args)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_file_names_file_and_line(result_folder, case):
    name, text, message = CASES[case]
    run = result_folder.path / "monolith"
    if name != "kpi.jtl":
        result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=30))
    write(run / name, text)

    with pytest.raises(ReportError, match=message.replace("(", r"\(")) as error:
        build_report(result_folder.path)

    assert str(run / name) in str(error.value)


def test_missing_jtl_names_file(result_folder):
    write(result_folder.path / "monolith" / "resources.csv", RESOURCES)

    with pytest.raises(ReportError, match="kpi.jtl: missing") as error:
        build_report(result_folder.path)

    assert str(result_folder.path / "monolith" / "kpi.jtl") in str(error.value)


def test_folder_without_runs_rejected(result_folder):
    with pytest.raises(ReportError, match="no run folder"):
        build_report(result_folder.path)


def test_missing_folder_rejected(tmp_path):
    with pytest.raises(ReportError, match="not a folder"):
        build_report(tmp_path / "absent")


def test_invalid_run_json_rejected(result_folder):
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=30))
    write(result_folder.path / "run.json", "{not json")

    with pytest.raises(ReportError, match="run.json: invalid JSON"):
        build_report(result_folder.path)


def test_command_logs_error_without_traceback(result_folder, caplog, capsys):
    write(result_folder.path / "monolith" / "kpi.jtl", HEADER)

    with caplog.at_level(logging.ERROR):
        status = run_report_command(result_folder.path)

    assert status == 1
    assert "contains a header but no samples" in caplog.text
    assert "Traceback" not in caplog.text + capsys.readouterr().err


def test_missing_resources_still_reports(result_folder, caplog):
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=30))

    with caplog.at_level(logging.WARNING):
        summary = build_report(result_folder.path)

    assert summary["runs"]["monolith"]["cpu"] == {}
    assert "resources.csv: missing" in caplog.text
    assert "## CPU\n" not in (result_folder.path / "report.md").read_text()


def run_compare_command(*arguments):
    """Run `prslab compare ARGUMENTS` through the report module's own parser."""
    parser = argparse.ArgumentParser(prog="prslab")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["compare", *map(str, arguments)])
    return args.func(args)


def test_compare_rejects_equal_labels(result_folder, tmp_path, caplog):
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=30))
    out = tmp_path / "compare"

    with caplog.at_level(logging.ERROR):
        status = run_compare_command(
            result_folder.path, result_folder.path, "--out", out, "--labels", "A", "A"
        )

    assert status == 1
    assert "--labels are both 'A'" in caplog.text
    assert not out.exists()


def test_compare_rejects_same_folder_names(result_folder, tmp_path, caplog):
    result_folder.add_jtl("monolith", synthetic_jtl(seed=1, samples=30))
    twin = tmp_path / "elsewhere" / result_folder.path.name
    twin.mkdir(parents=True)
    (twin / "monolith").mkdir()
    (twin / "monolith" / "kpi.jtl").write_bytes(
        (result_folder.path / "monolith" / "kpi.jtl").read_bytes()
    )

    with caplog.at_level(logging.ERROR):
        status = run_compare_command(result_folder.path, twin)

    assert status == 1
    assert "both folders are named '20251009-100000'" in caplog.text
    assert "--labels A B" in caplog.text
