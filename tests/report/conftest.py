"""Fixtures of the report tests."""

import pytest

from tests.report.result_folders import ResultFolder


@pytest.fixture
def result_folder(tmp_path):
    """Return a builder for a fresh result folder."""
    return ResultFolder(tmp_path / "results" / "20251009-100000")
