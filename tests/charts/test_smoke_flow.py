"""Run the `helm test` command, prs.smoke, against the real local stacks."""

import subprocess
import sys

import pytest

from prslab.runner import run_prs_command
from tests.support import postgres
from tests.support.http import http_target

pytestmark = pytest.mark.http


def run_smoke(url, database_url):
    """Run `python -m prs.smoke` as the test pod does and return the process."""
    command = [sys.executable, "-m", "prs.smoke", "--url", url]
    command += ["--database-url", database_url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("topology", ["monolith", "microservices"])
def test_smoke_passes_twice(tmp_path, topology):
    database_url = f"sqlite:///{tmp_path}/prs.sqlite3"
    with http_target(topology, database_url) as url:
        first = run_smoke(url, database_url)
        second = run_smoke(url, database_url)

    assert first.returncode == 0, first.stdout + first.stderr
    assert "ok   Drop after validation -> 409" in first.stdout
    assert second.returncode == 0, second.stdout + second.stderr
    assert first.stdout.splitlines()[0] != second.stdout.splitlines()[0]


def test_smoke_fails_without_server(tmp_path):
    database_url = f"sqlite:///{tmp_path}/prs.sqlite3"
    run_prs_command(["reset-db", "--students", "5"], database_url)

    # Nothing listens on the discard port of the loopback address.
    result = run_smoke("http://127.0.0.1:9", database_url)

    assert result.returncode == 1
    assert "FAILED cannot reach http://127.0.0.1:9" in result.stderr


@pytest.mark.postgres
def test_smoke_passes_on_postgresql():
    database_url = postgres.postgres_url()
    if database_url is None:
        pytest.skip(postgres.unavailable_reason())

    with http_target("microservices", database_url) as url:
        result = run_smoke(url, database_url)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Smoke test passed." in result.stdout
