"""Tokens: who may add, drop and validate."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from prs.auth import STUDENT, issue_token
from tests.contract.rules import pick_compatible
from tests.support.api import TEST_SECRET_KEY

BODY = {"student_id": "S00030", "class_id": 1}


def expired_token() -> str:
    """Sign a student token that expired an hour ago."""
    issued = datetime.now(UTC) - timedelta(hours=2)
    return issue_token("S00030", STUDENT, TEST_SECRET_KEY, timedelta(hours=1), issued)


def wrong_key_token() -> str:
    """Sign a student token with a key the apps do not use."""
    return issue_token("S00030", STUDENT, "another-key-" + "x" * 32)


def unsigned_token() -> str:
    """Build a token with the 'none' algorithm."""
    now = datetime.now(UTC)
    claims = {
        "sub": "S00030",
        "role": STUDENT,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return jwt.encode(claims, None, algorithm="none")


def missing_role_token() -> str:
    """Sign a token without the role claim."""
    now = datetime.now(UTC)
    claims = {"sub": "S00030", "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, TEST_SECRET_KEY, algorithm="HS256")


BAD_HEADERS = {
    "no header": {},
    "empty bearer": {"Authorization": "Bearer "},
    "basic scheme": {"Authorization": "Basic dXNlcjpwdw=="},
    "garbage token": {"Authorization": "Bearer not.a.jwt"},
    "expired": {"Authorization": f"Bearer {expired_token()}"},
    "wrong key": {"Authorization": f"Bearer {wrong_key_token()}"},
    "unsigned": {"Authorization": f"Bearer {unsigned_token()}"},
    "missing role": {"Authorization": f"Bearer {missing_role_token()}"},
}


@pytest.mark.parametrize("headers", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_bad_token_unauthorized_everywhere(api, snapshot, headers):
    before = snapshot()

    responses = [
        api.post("/api/selections", json=BODY, headers=headers),
        api.delete("/api/selections/1", headers=headers),
        api.put("/api/students/S00030/validation", headers=headers),
    ]

    for response in responses:
        assert response.status == 401, response.json
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert snapshot() == before


def test_student_adds_for_other_forbidden(api, target, snapshot):
    before = snapshot()

    response = api.post(
        "/api/selections", json=BODY, token=target.student_token("S00031")
    )

    assert response.status == 403
    assert response.json["error"]["code"] == "forbidden"
    assert snapshot() == before


def test_advisor_token_cannot_add(api, target, students, snapshot):
    advisor = students["S00030"]["advisor_id"]
    before = snapshot()

    response = api.post(
        "/api/selections", json=BODY, token=target.advisor_token(advisor)
    )

    assert response.status == 403
    assert snapshot() == before


def test_student_drops_other_forbidden(api, actions, target, catalogue, snapshot):
    (row,) = pick_compatible(catalogue, 1)
    selection_id = actions.add("S00032", row.id).json["id"]
    before = snapshot()

    response = actions.drop("S00033", selection_id)
    as_advisor = api.delete(
        f"/api/selections/{selection_id}", token=target.advisor_token("A001")
    )

    assert response.status == 403
    assert as_advisor.status == 403
    assert snapshot() == before


def test_only_own_advisor_validates(
    api, actions, target, students, catalogue, snapshot
):
    (row,) = pick_compatible(catalogue, 1)
    assert actions.add("S00034", row.id).status == 201
    own = students["S00034"]["advisor_id"]
    other = "A001" if own != "A001" else "A002"
    before = snapshot()

    by_other = api.put(
        "/api/students/S00034/validation", token=target.advisor_token(other)
    )
    by_student = api.put(
        "/api/students/S00034/validation", token=target.student_token("S00034")
    )

    assert by_other.status == 403
    assert by_student.status == 403
    assert snapshot() == before


def test_schedules_need_no_token(api):
    assert api.get("/api/classes").status == 200
    assert api.get("/api/exams").status == 200
