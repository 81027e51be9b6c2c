"""Check the load-test command that NOTES.txt prints against jmeter/prs.yml."""

import shlex
import subprocess

import pytest
import yaml

from tests.charts.conftest import CHARTS, HELM_DIR

pytestmark = pytest.mark.charts

PLAN = HELM_DIR.parent / "jmeter" / "prs.yml"


def install_notes(helm, chart, settings=()):
    """Return the NOTES text of a client-side dry-run install."""
    command = [str(helm), "install", "prs", str(HELM_DIR / chart), "--dry-run=client"]
    command += ["--namespace", "prs-lab"]
    for setting in settings:
        command += ["--set", setting]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("NOTES:", 1)[1]


def bzt_overrides(notes):
    """Return the -o overrides of the bzt command in NOTES, as key -> value."""
    lines = notes.splitlines()
    start = next(i for i, line in enumerate(lines) if "bzt jmeter/prs.yml" in line)
    command = ""
    for line in lines[start:]:
        command += line.strip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            break
    words = shlex.split(command)
    overrides = {}
    for flag, value in zip(words, words[1:], strict=False):
        if flag == "-o":
            key, _, setting = value.partition("=")
            overrides[key] = setting
    return overrides


def plan_has_key(plan, dotted):
    """Return True when a dotted key names an existing entry of the Taurus plan."""
    node = plan
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@pytest.mark.parametrize("chart", CHARTS)
def test_notes_overrides_exist_in_plan(helm, chart):
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    overrides = bzt_overrides(install_notes(helm, chart))

    assert overrides
    for key in overrides:
        assert plan_has_key(plan, key), f"{key} is not a key of jmeter/prs.yml"


@pytest.mark.parametrize("chart", CHARTS)
def test_notes_target_entry_point(helm, chart):
    overrides = bzt_overrides(install_notes(helm, chart))

    assert overrides["scenarios.prs.properties.host"] == "$PRS_HOST"
    assert overrides["scenarios.prs.properties.port"] == "$PRS_PORT"
    assert overrides["settings.env.PRS_TOKENS"] == "$PWD/var/tokens.csv"


def test_notes_pass_issued_tokens(helm):
    notes = install_notes(helm, "monolith")
    assert "prs issue-tokens --out var/tokens.csv" in notes
    assert "prs reset-db --students 2000 --seed 42" in notes


def test_notes_hint_reset_for_reruns(helm):
    assert "databaseJob.reset=true" in install_notes(helm, "monolith")
    reset = install_notes(helm, "monolith", ["databaseJob.reset=true"])
    assert "databaseJob.reset=true" not in reset
