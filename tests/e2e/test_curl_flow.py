"""The README's student flow, sent with curl to both topologies."""

import json
import subprocess

import pytest
from sqlalchemy import create_engine, text

from prs.auth import ADVISOR, STUDENT, issue_token
from tests.support.api import TEST_SECRET_KEY
from tests.support.http import http_target

pytestmark = pytest.mark.http

STUDENT_ID = "S00001"


def run_curl(curl, method, url, token=None, body=None):
    """Send one request with curl and return its status and decoded JSON body."""
    command = [curl, "--silent", "--show-error", "--request", method, url]
    command += ["--write-out", "\n%{http_code}"]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    if body is not None:
        command += ["--header", "Content-Type: application/json"]
        command += ["--data", json.dumps(body)]

    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    payload, _, status = result.stdout.rpartition("\n")
    return int(status), json.loads(payload) if payload else None


def advisor_of(database_url, student_id):
    """Return the advisor id of a seeded student."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT advisor_id FROM students WHERE id = :id"),
                {"id": student_id},
            ).scalar_one()
    finally:
        engine.dispose()


def pick_two_classes(items):
    """Pick two classes of different courses on different days."""
    first = items[0]
    for other in items[1:]:
        if (
            other["course_code"] != first["course_code"]
            and other["day"] != first["day"]
        ):
            return first, other
    raise AssertionError("the first page of classes has no two compatible classes")


def run_flow(curl, base_url, database_url):
    """Run the README's flow and return the (status, body) of each step."""
    student = issue_token(STUDENT_ID, STUDENT, TEST_SECRET_KEY)
    advisor = issue_token(
        advisor_of(database_url, STUDENT_ID), ADVISOR, TEST_SECRET_KEY
    )
    steps = {}

    steps["list"] = run_curl(curl, "GET", f"{base_url}/api/classes?per_page=20")
    first, second = pick_two_classes(steps["list"][1]["items"])
    for name, chosen in (("add_first", first), ("add_second", second)):
        body = {"student_id": STUDENT_ID, "class_id": chosen["id"]}
        steps[name] = run_curl(
            curl, "POST", f"{base_url}/api/selections", student, body
        )

    first_id = steps["add_first"][1]["id"]
    second_id = steps["add_second"][1]["id"]
    steps["drop"] = run_curl(
        curl, "DELETE", f"{base_url}/api/selections/{first_id}", student
    )
    steps["validate"] = run_curl(
        curl, "PUT", f"{base_url}/api/students/{STUDENT_ID}/validation", advisor
    )
    steps["drop_validated"] = run_curl(
        curl, "DELETE", f"{base_url}/api/selections/{second_id}", student
    )
    return steps


@pytest.fixture(scope="module")
def flows(curl, nginx, tmp_path_factory):
    """Run the flow once on each topology, each on its own fresh database."""
    results = {}
    for topology in ("monolith", "microservices"):
        folder = tmp_path_factory.mktemp(topology)
        database_url = f"sqlite:///{folder}/prs.sqlite3"
        with http_target(topology, database_url) as base_url:
            results[topology] = run_flow(curl, base_url, database_url)
    return results


@pytest.mark.parametrize("topology", ["monolith", "microservices"])
def test_curl_flow_statuses(flows, topology):
    steps = flows[topology]

    assert steps["list"][0] == 200
    assert steps["add_first"][0] == 201
    assert steps["add_second"][0] == 201
    assert steps["drop"] == (204, None)
    assert steps["validate"][0] == 200
    assert steps["validate"][1]["status"] == "validated"
    assert len(steps["validate"][1]["selections"]) == 1
    assert steps["drop_validated"][0] == 409
    assert steps["drop_validated"][1]["error"]["code"] == "plan_validated"


def test_curl_flow_same_on_both(flows):
    assert flows["monolith"] == flows["microservices"]
