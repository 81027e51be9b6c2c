"""Targets of the contract tests: topology x transport x database."""

import importlib
import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from prs.app import OPERATIONS, create_app
from prs.auth import ADVISOR, STUDENT, issue_token
from prs.db import db
from prs.seed import create_schema, drop_schema, seed_database
from tests.support.api import TEST_SECRET_KEY, FlaskClient, HttpClient

TOPOLOGIES = ("monolith", "microservices")
TRANSPORTS = ("inprocess", "http")
DATABASES = ("sqlite", "postgres")
# Enough students for the 200 concurrent requests of the capacity test.
TEST_STUDENTS = 300
TEST_SEED = 42


def import_support(name: str):
    """Import a helper module of tests/support, or skip when it is absent."""
    try:
        return importlib.import_module(f"tests.support.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"tests.support.{name}":
            raise
        pytest.skip(f"tests/support/{name}.py is not in this checkout yet")


def prepare_database(url: str) -> None:
    """Create the schema and seed the test students into a fresh database."""
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        drop_schema()
        create_schema()
        seed_database(TEST_STUDENTS, TEST_SEED)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """Create each kind of test database once, on first use."""
    urls = {}

    def get(kind: str) -> str:
        if kind not in urls:
            urls[kind] = open_database(kind, tmp_path_factory)
        return urls[kind]

    return get


def open_database(kind, tmp_path_factory) -> str:
    """Return the URL of a fresh seeded database of the given kind."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/prs.sqlite3"
    else:
        postgres = import_support("postgres")
        url = postgres.postgres_url()
        if url is None:
            pytest.skip(postgres.unavailable_reason())
    prepare_database(url)
    return url


@dataclass
class Target:
    """A running API under test plus direct access to its database."""

    name: str
    client: object
    database_url: str

    def student_token(self, student_id: str) -> str:
        """Sign a student token with the test key."""
        return issue_token(student_id, STUDENT, TEST_SECRET_KEY)

    def advisor_token(self, advisor_id: str) -> str:
        """Sign an advisor token with the test key."""
        return issue_token(advisor_id, ADVISOR, TEST_SECRET_KEY)


def build_flask_client(topology: str, url: str) -> FlaskClient:
    """Build the in-process apps of a topology."""
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY}
    if topology == "monolith":
        return FlaskClient([create_app(config=config)])
    return FlaskClient([create_app([name], config=config) for name in OPERATIONS])


TARGET_PARAMS = [
    pytest.param(combo, id="-".join(combo))
    for combo in itertools.product(TOPOLOGIES, TRANSPORTS, DATABASES)
]


@pytest.fixture(scope="session", params=TARGET_PARAMS)
def target(request, databases):
    """Yield one topology served over one transport on one database."""
    topology, transport, database = request.param
    url = databases(database)
    name = request.node.callspec.id if hasattr(request.node, "callspec") else topology
    if transport == "inprocess":
        yield Target(name, build_flask_client(topology, url), url)
        return

    http = import_support("http")
    with http.http_target(topology, url) as base_url:
        yield Target(name, HttpClient(base_url), url)


@pytest.fixture(scope="session")
def engine(target):
    """Return an engine for reading and resetting the target's database."""
    engine = create_engine(target.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def api(target, engine):
    """Return the client of the target, with every plan reset to an empty draft."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM selections"))
        connection.execute(
            text("UPDATE students SET plan_status = 'draft', validated_at = NULL")
        )
    return target.client


@dataclass(frozen=True)
class ClassRow:
    """A class of the seeded catalogue, as the rule tests need it."""

    id: int
    course_code: str
    credits: int
    day: str
    start: str
    end: str
    capacity: int


@pytest.fixture(scope="session")
def catalogue(engine) -> list[ClassRow]:
    """Return every class of the seeded catalogue, ordered by id."""
    query = text(
        'SELECT c.id, c.course_code, k.credits, c.day, c.start, c."end", '
        "c.capacity FROM classes c JOIN courses k ON k.code = c.course_code "
        "ORDER BY c.id"
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        ClassRow(
            row[0], row[1], row[2], row[3], str(row[4])[:5], str(row[5])[:5], row[6]
        )
        for row in rows
    ]


@pytest.fixture(scope="session")
def students(engine) -> dict[str, dict]:
    """Return the seeded students by id, with advisor and credit limit."""
    query = text("SELECT id, advisor_id, credit_limit FROM students ORDER BY id")
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return {row[0]: {"advisor_id": row[1], "credit_limit": row[2]} for row in rows}


@pytest.fixture
def snapshot(engine):
    """Return a function that captures the mutable state of the database."""

    def capture():
        with engine.connect() as connection:
            selections = connection.execute(
                text(
                    "SELECT id, student_id, class_id, status FROM selections "
                    "ORDER BY id"
                )
            ).all()
            plans = connection.execute(
                text(
                    "SELECT id, plan_status FROM students WHERE plan_status <> 'draft'"
                )
            ).all()
        return {"selections": selections, "plans": plans}

    return capture


class Actions:
    """The student and advisor requests that the tests repeat."""

    def __init__(self, api, target, students):
        self.api = api
        self.target = target
        self.students = students

    def add(self, student_id: str, class_id: int):
        """Add a class to a student's plan with the student's own token."""
        return self.api.post(
            "/api/selections",
            json={"student_id": student_id, "class_id": class_id},
            token=self.target.student_token(student_id),
        )

    def drop(self, student_id: str, selection_id: int):
        """Drop a selection with the student's own token."""
        return self.api.delete(
            f"/api/selections/{selection_id}",
            token=self.target.student_token(student_id),
        )

    def validate(self, student_id: str):
        """Validate a plan with the token of the student's own advisor."""
        advisor_id = self.students[student_id]["advisor_id"]
        return self.api.put(
            f"/api/students/{student_id}/validation",
            token=self.target.advisor_token(advisor_id),
        )


@pytest.fixture
def actions(api, target, students) -> Actions:
    """Return the repeated requests bound to the current target."""
    return Actions(api, target, students)
