"""Check the cluster-run command's options, errors and database sizing."""

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prslab import REPO_ROOT
from prslab.cluster import ClusterError, cli, tokens
from prslab.runner import run_prs_command
from prslab.tools import ToolError
from prslab.tools.helm import find_helm

PRSLAB = Path(sys.executable).parent / "prslab"
SECRET = "s" * 40


def run_cluster_run(*args, env=None):
    """Run `prslab cluster-run` with arguments and return the process."""
    command = [str(PRSLAB), "cluster-run", "--chart", "monolith", "--preset", "single"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, env=env
    )


def load_shape(**overrides):
    """Return parsed cluster-run options with defaults, as argparse gives them."""
    shape = {"scenario": "session", "users": 50, "ramp_up": 30.0, "duration": 120.0}
    return argparse.Namespace(**{**shape, **overrides})


def test_missing_kubeconfig_gives_one_line(tmp_path):
    missing = tmp_path / "missing.yaml"
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    result = run_cluster_run(
        "--kubeconfig", str(missing), "--out", str(tmp_path), env=env
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cannot load the kubeconfig {missing}" in result.stderr
    assert "Export KUBECONFIG or pass --kubeconfig" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_malformed_kubeconfig_gives_one_line(tmp_path):
    broken = tmp_path / "kubeconfig"
    broken.write_text("clusters: [unclosed\n")
    result = run_cluster_run("--kubeconfig", str(broken), "--out", str(tmp_path))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cannot load the kubeconfig {broken}" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--users", "0", "0 must be at least 1"),
        ("--users", "many", "invalid integer 'many'"),
        ("--duration", "soon", "invalid interval 'soon'"),
        ("--duration", "0", "must be positive"),
        ("--ramp-up", "-5s", "must be positive"),
        ("--sample-interval", "0s", "must be positive"),
    ],
)
def test_bad_option_rejected_at_parse(option, value, message):
    result = run_cluster_run(f"{option}={value}", "--kubeconfig", "/nonexistent")

    assert result.returncode == 2
    assert message in result.stderr


def test_zero_ramp_up_accepted():
    assert cli.parse_ramp_up("0") == 0


def test_help_shows_defaults():
    result = subprocess.run(
        [str(PRSLAB), "cluster-run", "--help"], capture_output=True, text=True
    )

    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for default in (
        "(default: 50)",
        "(default: 30s)",
        "(default: 2m)",
        "(default: 5s)",
    ):
        assert default in text


def test_students_sized_to_load():
    # 50 threads, one student per 3 s session (6 requests of 500 ms think time)
    # for 150 s, plus the first row of each thread.
    assert cli.students_for_run(load_shape(users=50)) == 50 * 51
    assert cli.students_for_run(load_shape(users=10)) == 2000  # the minimum
    assert cli.students_for_run(load_shape(users=5000, duration=600.0)) == 99_999
    assert cli.students_for_run(load_shape(scenario="classes", users=3000)) == 3000


def test_reset_settings_reach_hook_job():
    try:
        helm = find_helm()
    except ToolError as error:
        pytest.skip(str(error))
    command = [str(helm), "template", "prs", str(REPO_ROOT / "helm" / "microservices")]
    for setting in cli.reset_settings(5100):
        command += ["--set", setting]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    objects = [obj for obj in yaml.safe_load_all(result.stdout) if obj]
    (job,) = [obj for obj in objects if obj["kind"] == "Job"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert "prs reset-db" in container["command"][-1]
    assert env["SEED_STUDENTS"] == "5100"
    values = {"databaseJob": {"seed": {"students": 5100, "randomSeed": 42}}}
    assert tokens.seed_options(values) == (5100, 42)


def test_tokens_match_reset_students(tmp_path):
    database_url = f"sqlite:///{tmp_path}/prs.sqlite3"
    run_prs_command(["reset-db", "--students", "40", "--seed", "42"], database_url)
    issued = tmp_path / "issued.csv"
    run_prs_command(["issue-tokens", "--out", str(issued)], database_url)

    written = tokens.write_tokens(tmp_path / "written.csv", SECRET, 40, 42)

    def pairs(path):
        with path.open(newline="") as handle:
            return [(r["student_id"], r["advisor_id"]) for r in csv.DictReader(handle)]

    assert len(pairs(written)) == 40
    assert pairs(written) == pairs(issued)


def test_oversized_config_map_rejected():
    with pytest.raises(ClusterError, match="more than the 1 MiB a ConfigMap"):
        cli.check_config_map_size("plan", "x" * (cli.CONFIG_MAP_MAX_BYTES + 1))
    cli.check_config_map_size("plan", "x" * 1000)
