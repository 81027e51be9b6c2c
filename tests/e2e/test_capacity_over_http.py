"""The capacity rule under real concurrent HTTP requests."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from prs.auth import STUDENT, issue_token
from tests.support.api import TEST_SECRET_KEY
from tests.support.http import http_target

pytestmark = pytest.mark.http

REQUESTS = 200
SEATS = 25


def find_class_with_seats(database_url, seats):
    """Return the id of a seeded class whose capacity is `seats`."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    text("SELECT id FROM classes WHERE capacity = :seats ORDER BY id"),
                    {"seats": seats},
                )
                .scalars()
                .first()
            )
    finally:
        engine.dispose()


def count_selections(database_url, class_id):
    """Return how many selections the database holds for `class_id`."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM selections WHERE class_id = :class_id"),
                {"class_id": class_id},
            ).scalar_one()
    finally:
        engine.dispose()


def post_all_at_once(base_url, class_id):
    """Send one POST per student from REQUESTS threads released together."""
    barrier = threading.Barrier(REQUESTS)

    def add(number):
        student_id = f"S{number:05d}"
        token = issue_token(student_id, STUDENT, TEST_SECRET_KEY)
        barrier.wait(timeout=60)
        response = requests.post(
            f"{base_url}/api/selections",
            json={"student_id": student_id, "class_id": class_id},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        if response.status_code >= 400:
            return response.status_code, response.json()["error"]["code"]
        return response.status_code, None

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        return list(pool.map(add, range(1, REQUESTS + 1)))


def check_capacity_rule(base_url, database_url):
    """Assert that exactly SEATS of REQUESTS simultaneous adds succeed."""
    class_id = find_class_with_seats(database_url, SEATS)
    assert class_id is not None, f"the catalogue has no class with {SEATS} seats"

    outcomes = post_all_at_once(base_url, class_id)

    statuses = Counter(status for status, _ in outcomes)
    codes = Counter(code for _, code in outcomes if code)
    assert [status for status in statuses if status >= 500] == []
    assert statuses[201] == SEATS
    assert statuses[409] == REQUESTS - SEATS
    assert codes == {"class_full": REQUESTS - SEATS}
    assert count_selections(database_url, class_id) == SEATS


@pytest.mark.postgres
@pytest.mark.parametrize("topology", ["monolith", "microservices"])
def test_capacity_holds_on_postgres(topology, postgres_url, nginx):
    with http_target(topology, postgres_url) as base_url:
        check_capacity_rule(base_url, postgres_url)


def test_capacity_holds_on_sqlite_gateway(nginx, tmp_path):
    database_url = f"sqlite:///{tmp_path}/prs.sqlite3"

    with http_target("microservices", database_url) as base_url:
        check_capacity_rule(base_url, database_url)
