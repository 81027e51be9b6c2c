"""Issue and check the HS256 bearer tokens that carry a subject and a role."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app, request

from prs import errors

ALGORITHM = "HS256"
STUDENT = "student"
ADVISOR = "advisor"
SUBJECT_PATTERNS = {
    STUDENT: re.compile(r"S[0-9]{5}"),
    ADVISOR: re.compile(r"A[0-9]{3}"),
}
# Tolerated clock difference between the issuer and the app.
LEEWAY_SECONDS = 10


@dataclass(frozen=True)
class Identity:
    """The caller named by a valid token."""

    subject: str
    role: str


def issue_token(
    subject: str,
    role: str,
    secret: str,
    ttl: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> str:
    """Sign a token for a student or an advisor."""
    if role not in SUBJECT_PATTERNS:
        raise ValueError(f"role must be 'student' or 'advisor', not {role!r}")

    issued = now or datetime.now(UTC)
    claims = {"sub": subject, "role": role, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> Identity:
    """Check a token's signature, expiry and claims, or raise AuthenticationError."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_SECONDS,
            options={"require": ["sub", "role", "iat", "exp"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise errors.AuthenticationError("The token has expired.") from error
    except jwt.InvalidTokenError as error:
        raise errors.AuthenticationError(f"The token is invalid: {error}.") from error

    role = claims["role"]
    subject = claims["sub"]
    pattern = SUBJECT_PATTERNS.get(role) if isinstance(role, str) else None
    if pattern is None or not pattern.fullmatch(subject):
        raise errors.AuthenticationError("The token has an unknown role or subject.")
    return Identity(subject=subject, role=role)


def authenticate() -> Identity:
    """Return the identity of the request's bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.AuthenticationError(
            "The Authorization header must be 'Bearer <token>'."
        )
    return decode_token(token.strip(), current_app.config["SECRET_KEY"])


def require_role(role: str) -> Identity:
    """Authenticate the request and reject callers of another role."""
    identity = authenticate()
    if identity.role != role:
        raise errors.PermissionDenied(
            f"This operation needs a token with role {role!r}."
        )
    return identity
