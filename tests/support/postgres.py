"""Give the tests a fresh PostgreSQL database, created once per test session.

The server comes from PRS_TEST_POSTGRES_URL (any database on it that the role may
connect to, for example `postgresql+psycopg2://prs:prs@127.0.0.1:5432/postgres`),
or else the local server that `.ci/run` starts with that role. The session's own
database is dropped when the test process exits.
"""

import atexit
import os
import uuid

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

ENV_VAR = "PRS_TEST_POSTGRES_URL"
LOCAL_SERVER_URL = "postgresql+psycopg2://prs:prs@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_S = 3

_session = {"checked": False, "url": None, "reason": None}


def postgres_url():
    """Return the URL of this session's fresh database, or None without a server.

    A server named by PRS_TEST_POSTGRES_URL must be reachable: when it is not, this
    raises instead of letting the PostgreSQL tests skip unnoticed.
    """
    if not _session["checked"]:
        _session["checked"] = True
        _session["url"] = open_session_database()
    return _session["url"]


def unavailable_reason():
    """Return why postgres_url() returned None, for pytest.skip."""
    postgres_url()
    return _session["reason"]


def open_session_database():
    """Create the session database, scheduling its removal at exit."""
    configured = os.environ.get(ENV_VAR)
    server_url = configured or LOCAL_SERVER_URL
    try:
        database_url = create_database(server_url)
    except psycopg2.OperationalError as error:
        shown = make_url(server_url).render_as_string(hide_password=True)
        if configured:
            raise RuntimeError(
                f"{ENV_VAR} is set, but creating a database on {shown} failed: "
                f"{error}".strip()
            ) from error
        _session["reason"] = (
            f"no PostgreSQL server at {shown} ({str(error).strip()}); run "
            f"`bash .ci/run` or set {ENV_VAR}"
        )
        return None

    atexit.register(drop_database, database_url, server_url)
    return database_url


def libpq_dsn(url):
    """Turn a SQLAlchemy URL into a libpq connection URI for psycopg2."""
    libpq_url = make_url(url).set(drivername="postgresql")
    return libpq_url.render_as_string(hide_password=False)


def create_database(server_url):
    """Create a database with a unique name and return its SQLAlchemy URL."""
    name = f"prs_test_{uuid.uuid4().hex[:12]}"
    run_admin(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(database_url, server_url):
    """Drop a database made by create_database, closing its open connections."""
    name = make_url(database_url).database
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
        sql.Identifier(name)
    )
    run_admin(server_url, statement)


def run_admin(server_url, statement):
    """Run one statement outside a transaction, as CREATE/DROP DATABASE require."""
    connection = psycopg2.connect(
        libpq_dsn(server_url), connect_timeout=CONNECT_TIMEOUT_S
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
