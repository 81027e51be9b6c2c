"""Token issuing and checking."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from prs.auth import ADVISOR, STUDENT, decode_token, issue_token
from prs.errors import AuthenticationError

KEY = "unit-test-key-" + "x" * 32


def test_student_token_round_trip():
    identity = decode_token(issue_token("S00001", STUDENT, KEY), KEY)

    assert identity.subject == "S00001"
    assert identity.role == STUDENT


def test_token_carries_contract_claims():
    claims = jwt.decode(issue_token("A001", ADVISOR, KEY), KEY, algorithms=["HS256"])

    assert set(claims) == {"sub", "role", "iat", "exp"}
    assert claims["exp"] - claims["iat"] == 24 * 3600


def test_expired_token_rejected():
    issued = datetime.now(UTC) - timedelta(hours=3)
    token = issue_token("S00001", STUDENT, KEY, timedelta(hours=1), issued)

    with pytest.raises(AuthenticationError, match="expired"):
        decode_token(token, KEY)


def test_wrong_key_rejected():
    token = issue_token("S00001", STUDENT, KEY)

    with pytest.raises(AuthenticationError):
        decode_token(token, "another-key-" + "y" * 32)


@pytest.mark.parametrize(
    ("subject", "role"),
    [("A001", STUDENT), ("S00001", ADVISOR), ("S1", STUDENT), ("S00001", "admin")],
)
def test_subject_must_match_role(subject, role):
    now = datetime.now(UTC)
    claims = {"sub": subject, "role": role, "iat": now, "exp": now + timedelta(hours=1)}
    token = jwt.encode(claims, KEY, algorithm="HS256")

    with pytest.raises(AuthenticationError, match="role or subject"):
        decode_token(token, KEY)


def test_issue_rejects_unknown_role():
    with pytest.raises(ValueError, match="role"):
        issue_token("S00001", "admin", KEY)
