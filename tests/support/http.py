"""Serve a topology over real HTTP for the tests."""

import contextlib
import tempfile
from pathlib import Path

from prslab.runner import run_prs_command, run_stack

# The same students as the contract tests' in-process databases.
TEST_STUDENTS = 300
TEST_SEED = 42


@contextlib.contextmanager
def http_target(
    topology,
    database_url=None,
    *,
    students=TEST_STUDENTS,
    seed=TEST_SEED,
    replicas=1,
    env=None,
    runtime_dir=None,
):
    """Reset and seed the database, start `topology` on free ports, yield its URL.

    Without `database_url`, the stack gets a new SQLite file. The processes'
    logs go to `runtime_dir`, or to a temporary folder removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="prs-http-") as scratch:
        database_url = database_url or f"sqlite:///{scratch}/prs.sqlite3"
        reset = ["reset-db", "--students", str(students), "--seed", str(seed)]
        run_prs_command(reset, database_url)

        with run_stack(
            topology,
            port=0,
            replicas=replicas,
            database_url=database_url,
            env=env,
            free_ports=True,
            runtime_dir=runtime_dir or Path(scratch) / "stack",
        ) as stack:
            yield stack.url
