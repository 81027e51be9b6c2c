"""Run the local comparison end to end and check its report against the raw data."""

from collections import Counter

import pytest

from tests.load.conftest import EXPECTED_SUFFIX, operation_of, read_csv

pytestmark = pytest.mark.load

TOPOLOGIES = ("monolith", "microservices")
OPERATIONS = (
    "class schedule",
    "exam schedule",
    "add selection",
    "validate plan",
    "drop selection",
)
SERVICES = {
    "monolith": ("monolith",),
    "microservices": (
        "class-schedule",
        "exam-schedule",
        "add-selection",
        "validate-plan",
        "drop-selection",
        "gateway",
    ),
}


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_run_folder_has_raw_artifacts(tiny_comparison, topology):
    run_dir = tiny_comparison / topology
    assert (run_dir / "kpi.jtl").is_file()
    assert (run_dir / "resources.csv").is_file()
    assert (run_dir / "junit.xml").is_file()
    assert not (run_dir / "tokens.csv").exists(), "tokens belong outside results"


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_every_operation_carries_load(tiny_comparison, topology):
    rows = read_csv(tiny_comparison / topology / "kpi.jtl")
    counts = Counter(operation_of(row["label"]) for row in rows)
    for operation in OPERATIONS:
        assert counts[operation] > 0, f"{topology}: no {operation} samples"


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_plan_raises_no_errors(tiny_comparison, topology):
    rows = read_csv(tiny_comparison / topology / "kpi.jtl")
    failed = [row for row in rows if row["success"] != "true"]
    assert failed == [], f"{topology}: {len(failed)} failed samples, e.g. {failed[:3]}"


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_report_counts_match_jtl(tiny_comparison, summary, topology):
    rows = read_csv(tiny_comparison / topology / "kpi.jtl")
    labels = [row["label"] for row in rows]
    samples = Counter(operation_of(label) for label in labels)
    expected = Counter(
        operation_of(label) for label in labels if EXPECTED_SUFFIX.search(label)
    )
    errors = Counter(
        operation_of(row["label"]) for row in rows if row["success"] != "true"
    )
    reported = summary["runs"][topology]["operations"]

    assert set(OPERATIONS) <= set(reported), f"{topology}: operations missing"
    for operation, count in samples.items():
        figures = reported[operation]
        assert figures["samples"] == count, operation
        assert figures["expected_outcomes"] == expected[operation], operation
        assert figures["errors"] == errors[operation], operation
    assert reported["TOTAL"]["samples"] == len(rows)


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_cpu_nonzero_for_every_service(tiny_comparison, summary, topology):
    rows = read_csv(tiny_comparison / topology / "resources.csv")
    reported = summary["runs"][topology]["cpu"]

    for service in SERVICES[topology]:
        raw = [
            float(row["cpu_millicores"]) for row in rows if row["service"] == service
        ]
        assert raw, f"{topology}: no resource samples for {service}"
        assert max(raw) > 0, f"{topology}: {service} served traffic but used no CPU"
        assert reported[service]["avg_millicores_total"] > 0, service
        assert reported[service]["peak_millicores_total"] == pytest.approx(max(raw))


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_report_names_requested_users(summary, topology):
    run = summary["runs"][topology]
    assert run["users_requested"] == 6
    # "all" gives each of the six thread groups one thread here.
    assert 1 <= run["users_reached"] <= 6
