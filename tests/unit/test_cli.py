"""The `prs` command line on a temporary SQLite file."""

import csv

import pytest
from click.testing import CliRunner

from prs.auth import decode_token
from prs.cli import cli
from tests.support.api import TEST_SECRET_KEY


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Return a function that runs `prs` against a database in tmp_path/var."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/var/prs.sqlite3")
    runner = CliRunner()

    def invoke(*arguments):
        return runner.invoke(cli, list(arguments), catch_exceptions=False)

    return invoke


def test_init_seed_and_issue_tokens(run, tmp_path):
    out = tmp_path / "tokens" / "tokens.csv"

    assert run("init-db").exit_code == 0
    seeded = run("seed", "--students", "25", "--seed", "3")
    issued = run("issue-tokens", "--out", str(out), "--ttl-hours", "1")

    assert seeded.exit_code == 0
    assert "25 students" in seeded.output
    assert issued.exit_code == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 25
    assert list(rows[0]) == [
        "student_id",
        "student_token",
        "advisor_id",
        "advisor_token",
    ]
    assert decode_token(rows[0]["student_token"], TEST_SECRET_KEY).subject == "S00001"
    advisor = decode_token(rows[0]["advisor_token"], TEST_SECRET_KEY)
    assert advisor.subject == rows[0]["advisor_id"]
    assert advisor.role == "advisor"


def test_second_seed_fails_clearly(run):
    run("init-db")
    run("seed", "--students", "5")

    again = run("seed", "--students", "5")
    skipped = run("seed", "--students", "5", "--if-empty")

    assert again.exit_code == 1
    assert "already seeded" in again.output
    assert skipped.exit_code == 0


def test_seed_without_schema_fails(run):
    result = run("seed", "--students", "5")

    assert result.exit_code == 1
    assert "prs init-db" in result.output


def test_reset_db_reseeds(run):
    run("init-db")
    run("seed", "--students", "5")

    result = run("reset-db", "--students", "7", "--seed", "1")

    assert result.exit_code == 0
    assert "7 students" in result.output


def test_issue_tokens_needs_students(run, tmp_path):
    run("init-db")

    result = run("issue-tokens", "--out", str(tmp_path / "t.csv"))

    assert result.exit_code == 1
    assert "prs seed" in result.output


def test_production_without_key_fails(run, monkeypatch):
    monkeypatch.setenv("PRS_ENV", "production")
    monkeypatch.delenv("PRS_SECRET_KEY")

    result = run("init-db")

    assert result.exit_code == 1
    assert "PRS_SECRET_KEY is required" in result.output
