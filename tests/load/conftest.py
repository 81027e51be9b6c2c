"""Fixtures of the load tests, which run JMeter through Taurus against real stacks."""

import argparse
import csv
import json
import re

import pytest

from prslab import compare_local

# The plan labels a correct-under-load outcome "operation (409 code)".
EXPECTED_SUFFIX = re.compile(r" \(\d{3} [a-z_]+\)$")


@pytest.fixture(scope="session")
def tiny_comparison(tmp_path_factory):
    """Run compare-local at tiny scale once and return its result folder."""
    out = tmp_path_factory.mktemp("results")
    database = tmp_path_factory.mktemp("database") / "prs.sqlite3"
    parser = argparse.ArgumentParser()
    compare_local.register(parser.add_subparsers())
    args = parser.parse_args(
        [
            "compare-local",
            "--users", "6",
            "--scenario", "all",
            "--ramp-up", "2s",
            "--duration", "20s",
            "--think-time", "200",
            "--database-url", f"sqlite:///{database}",
            "--out", str(out),
        ]
    )  # fmt: skip
    compare_local.compare(args)

    (result_dir,) = [path for path in out.iterdir() if path.is_dir()]
    return result_dir


@pytest.fixture(scope="session")
def summary(tiny_comparison):
    """Return the report's summary.json."""
    return json.loads((tiny_comparison / "summary.json").read_text())


def read_csv(path):
    """Return the rows of a CSV file as dicts."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def operation_of(label):
    """Return the operation that a JTL label belongs to."""
    return EXPECTED_SUFFIX.sub("", label)
