"""Parse and check request bodies, query strings and path parameters."""

import json
import re

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from prs.errors import InvalidInput

STUDENT_ID = re.compile(r"S[0-9]{5}")
COURSE_CODE = re.compile(r"[A-Z]{2,4}[0-9]{3}")
# Ids are 32-bit on PostgreSQL, so larger numbers cannot name a row.
MAX_ID = 2**31 - 1


class MalformedJSON(BadRequest):
    """The request body cannot be parsed as JSON."""

    error_code = "bad_json"


def read_json_object() -> dict:
    """Return the request body as a JSON object, raising 415, 400 or 422."""
    if not request.is_json:
        raise UnsupportedMediaType("The request body must be application/json.")

    try:
        body = json.loads(request.get_data(), parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise MalformedJSON(f"The request body is not valid JSON: {error}.") from error

    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.", field="body")
    return body


def reject_constant(name: str):
    """Reject NaN and Infinity, which JSON itself does not allow."""
    raise ValueError(f"{name} is not a JSON number")


def check_fields(body: dict, allowed: set[str]) -> None:
    """Reject fields that the operation does not know."""
    for name in body:
        if name not in allowed:
            raise InvalidInput(f"Unknown field {name!r}.", field=name)


def require_student_id(value, field: str = "student_id") -> str:
    """Return a student id like S00001 or raise InvalidInput naming the field."""
    if value is None:
        raise InvalidInput(f"{field} is required.", field=field)
    if not isinstance(value, str) or not STUDENT_ID.fullmatch(value):
        raise InvalidInput(f"{field} must be a string like 'S00001'.", field=field)
    return value


def require_id(value, field: str) -> int:
    """Return a positive integer id or raise InvalidInput naming the field."""
    if value is None:
        raise InvalidInput(f"{field} is required.", field=field)
    # bool is a subclass of int, but true is no id.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be an integer.", field=field)
    if not 1 <= value <= MAX_ID:
        raise InvalidInput(f"{field} must be between 1 and {MAX_ID}.", field=field)
    return value


def query_choice(name: str, choices: tuple[str, ...]) -> str | None:
    """Return an optional query parameter that must be one of the choices."""
    value = request.args.get(name)
    if value is None:
        return None
    if value not in choices:
        raise InvalidInput(f"{name} must be one of {', '.join(choices)}.", field=name)
    return value


def query_int(name: str, default: int, maximum: int) -> int:
    """Return an optional integer query parameter between 1 and the maximum."""
    value = request.args.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        raise InvalidInput(f"{name} must be a positive integer.", field=name)
    number = int(value)
    if not 1 <= number <= maximum:
        raise InvalidInput(f"{name} must be between 1 and {maximum}.", field=name)
    return number


def query_pattern(name: str, pattern: re.Pattern, example: str) -> str | None:
    """Return an optional query parameter that must match the pattern."""
    value = request.args.get(name)
    if value is None:
        return None
    if not pattern.fullmatch(value):
        raise InvalidInput(f"{name} must look like {example!r}.", field=name)
    return value
