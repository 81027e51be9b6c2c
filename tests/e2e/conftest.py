"""Fixtures of the end-to-end tests, which start real gunicorn and nginx processes."""

import shutil

import pytest

from prslab.runner import find_nginx, run_prs_command
from tests.support import postgres


@pytest.fixture(scope="session")
def nginx():
    """Return the nginx binary, failing with the install command when it is missing."""
    return find_nginx()


@pytest.fixture
def seeded_sqlite(tmp_path):
    """Return the URL of a new SQLite database seeded with ten students."""
    database_url = f"sqlite:///{tmp_path}/prs.sqlite3"
    run_prs_command(["reset-db", "--students", "10"], database_url)
    return database_url


@pytest.fixture(scope="session")
def postgres_url():
    """Return this session's PostgreSQL database URL, or skip without a server."""
    url = postgres.postgres_url()
    if url is None:
        pytest.skip(postgres.unavailable_reason())
    return url


@pytest.fixture(scope="session")
def curl():
    """Return the curl binary that the README's examples use."""
    found = shutil.which("curl")
    if found is None:
        pytest.fail("curl is not installed: run `make setup`.")
    return found
