"""Run one student's whole flow against a running PRS entry point.

Usage: python -m prs.smoke --url http://prs-gateway:80

The check picks a seeded student whose plan is a draft with no selections, reads
that student's advisor from DATABASE_URL, and signs both tokens with
PRS_SECRET_KEY. It then lists classes, adds two selections, drops one, has the
advisor validate the plan and expects a drop after validation to get 409. Each
run uses up one student, so it can be repeated until no untouched student is
left. It uses only the standard library for HTTP because the container image
installs just the apps' dependencies.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

import sqlalchemy

from prs.auth import issue_token
from prs.config import ConfigError, load_config
from prs.models import DRAFT, Selection, Student

REQUEST_TIMEOUT_SECONDS = 15
CLASS_PAGE_SIZE = 200


class SmokeError(RuntimeError):
    """A step of the flow got an unexpected response."""


@dataclass(frozen=True)
class Subject:
    """The student whose flow is checked, with the advisor who validates it."""

    student_id: str
    advisor_id: str
    credit_limit: int


@dataclass(frozen=True)
class Response:
    """Status and decoded JSON body of one HTTP response."""

    status: int
    body: object


def find_subject(database_url):
    """Return the first student with a draft plan and no selections."""
    students = Student.__table__
    selections = Selection.__table__
    has_selection = sqlalchemy.exists().where(selections.c.student_id == students.c.id)
    query = (
        sqlalchemy.select(students.c.id, students.c.advisor_id, students.c.credit_limit)
        .where(students.c.plan_status == DRAFT, ~has_selection)
        .order_by(students.c.id)
        .limit(1)
    )

    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(query).first()
    finally:
        engine.dispose()

    if row is None:
        raise SmokeError(
            "No seeded student has an empty draft plan left: reseed the database "
            "with `prs reset-db`."
        )
    return Subject(row.id, row.advisor_id, row.credit_limit)


def call(base_url, method, path, token=None, payload=None):
    """Send one request and return its status and JSON body."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")

    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as reply:
            return Response(reply.status, decode(reply.read()))
    except urllib.error.HTTPError as error:
        return Response(error.code, decode(error.read()))


def decode(raw):
    """Decode a JSON body, keeping non-JSON text as it is for error messages."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def expect(step, response, status):
    """Print the step's outcome and raise SmokeError unless the status matches."""
    if response.status != status:
        raise SmokeError(
            f"{step}: expected HTTP {status}, got {response.status}: {response.body}"
        )
    print(f"ok   {step} -> {status}", flush=True)
    return response.body


def pick_classes(items, credit_limit):
    """Return two classes with free seats, of different courses and days."""
    for first_index, first in enumerate(items):
        for second in items[first_index + 1 :]:
            different = (
                first["course_code"] != second["course_code"]
                and first["day"] != second["day"]
            )
            seats = first["seats_left"] > 0 and second["seats_left"] > 0
            credits = first["credits"] + second["credits"] <= credit_limit
            if different and seats and credits:
                return first, second
    raise SmokeError(
        "List classes: no two classes of different courses on different days "
        "have free seats within the student's credit limit."
    )


def run_flow(base_url, subject, secret):
    """Run the student flow and raise SmokeError at the first unexpected reply."""
    student = issue_token(subject.student_id, "student", secret)
    advisor = issue_token(subject.advisor_id, "advisor", secret)
    print(
        f"Student {subject.student_id} (advisor {subject.advisor_id}) at {base_url}",
        flush=True,
    )

    listing = call(base_url, "GET", f"/api/classes?per_page={CLASS_PAGE_SIZE}")
    classes = expect("List classes", listing, 200)["items"]
    first, second = pick_classes(classes, subject.credit_limit)

    added = []
    for chosen in (first, second):
        payload = {"student_id": subject.student_id, "class_id": chosen["id"]}
        response = call(base_url, "POST", "/api/selections", student, payload)
        added.append(expect(f"Add class {chosen['id']}", response, 201))

    dropped, kept = added
    response = call(base_url, "DELETE", f"/api/selections/{dropped['id']}", student)
    expect(f"Drop selection {dropped['id']}", response, 204)

    path = f"/api/students/{subject.student_id}/validation"
    body = expect("Validate plan", call(base_url, "PUT", path, advisor), 200)
    if body.get("status") != "validated":
        raise SmokeError(f"Validate plan: expected status validated, got {body}")

    response = call(base_url, "DELETE", f"/api/selections/{kept['id']}", student)
    body = expect("Drop after validation", response, 409)
    code = (body or {}).get("error", {}).get("code")
    if code != "plan_validated":
        raise SmokeError(f"Drop after validation: expected plan_validated, got {body}")


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m prs.smoke",
        description="Run one student's flow through a PRS entry point.",
    )
    parser.add_argument(
        "--url", required=True, help="entry point, e.g. http://127.0.0.1:8080"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="database to pick the student from (default: DATABASE_URL)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Run the flow and return 0 on success, 1 on a failed step."""
    args = parse_args(argv)
    if not args.database_url:
        print("DATABASE_URL is not set and --database-url is missing.", file=sys.stderr)
        return 1

    try:
        secret = load_config()["SECRET_KEY"]
        subject = find_subject(args.database_url)
        run_flow(args.url.rstrip("/"), subject, secret)
    except (SmokeError, ConfigError, sqlalchemy.exc.SQLAlchemyError) as error:
        print(f"FAILED {error}", file=sys.stderr)
        return 1
    except OSError as error:  # URLError, refused connections and timeouts
        reason = getattr(error, "reason", error)
        print(f"FAILED cannot reach {args.url}: {reason}", file=sys.stderr)
        return 1

    print("Smoke test passed.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
