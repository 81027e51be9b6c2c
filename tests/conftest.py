"""Settings shared by every test tier."""

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Make `tests.support` importable however pytest is started.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.api import TEST_SECRET_KEY  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def test_environment():
    """Run the tests in development mode with the test signing key."""
    saved = {name: os.environ.get(name) for name in ("PRS_ENV", "PRS_SECRET_KEY")}
    os.environ["PRS_ENV"] = "development"
    os.environ["PRS_SECRET_KEY"] = TEST_SECRET_KEY
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
