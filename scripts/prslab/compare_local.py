"""The `prslab compare-local` command: load-test both topologies on this machine.

Each run resets and seeds the database with the same seed, issues tokens, starts
the topology with the local runner, samples its processes and runs the JMeter
plan through Taurus. The result folder then gets the report.
"""

import argparse
import json
import logging
import math
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prslab import REPO_ROOT
from prslab.load import SCENARIOS, LoadError, LoadOptions, run_load
from prslab.sampler import ResourceSampler
from prslab.tools import ToolError

logger = logging.getLogger(__name__)

TOPOLOGIES = ("monolith", "microservices")
SEED = 42
MIN_STUDENTS = 2000
# prs seed generates ids S00001..S99999.
MAX_STUDENTS = 99_999
# Requests in one session iteration of the plan; each waits the think time first.
SESSION_REQUESTS = 6
# NOTE: an estimated floor on one request's latency. It sizes the seed only when
# the think time is near zero, and a faster server can still use up the students.
MIN_REQUEST_S = 0.02
MAX_REPLICAS = 10
DEFAULT_DATABASE = REPO_ROOT / "var" / "compare.sqlite3"
DURATION = re.compile(r"^(?P<number>\d+)(?P<unit>[smh]?)$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


class CompareError(RuntimeError):
    """A step of the comparison failed; the message names the step and the cause."""


@dataclass(frozen=True)
class Setup:
    """The tools, database and students that every run of one comparison shares."""

    jmeter: Path
    database: str
    students: int
    tokens: Path  # rewritten before each run, deleted at the end


def parse_duration(text):
    """Parse "90", "90s", "10m" or "1h" into whole seconds."""
    match = DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: use seconds or a unit, e.g. 90, 90s, 10m, 1h"
        )
    return int(match["number"]) * UNIT_SECONDS[match["unit"]]


def bounded_int(low, high):
    """Return an argparse type that accepts integers from low to high."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low} to {high}")
        return value

    return parse


def database_url(text):
    """Accept a SQLite or PostgreSQL SQLAlchemy URL."""
    if not text.startswith(("sqlite:", "postgresql")):
        raise argparse.ArgumentTypeError(
            f"invalid database URL {text!r}: use sqlite:///path or "
            "postgresql+psycopg2://user:password@127.0.0.1:5432/name"
        )
    return text


def output_folder(text):
    """Accept a folder that exists or can be created, and that can be written to.

    The check creates and removes a temporary folder in the nearest existing
    ancestor, because os.access() reports every path writable for root.
    """
    path = Path(text).expanduser().absolute()
    existing = path
    while not existing.exists():
        existing = existing.parent

    if not existing.is_dir():
        raise argparse.ArgumentTypeError(
            f"invalid output folder {text!r}: {existing} is not a folder"
        )
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".prslab-check-", dir=existing))
    except OSError as error:
        raise argparse.ArgumentTypeError(
            f"invalid output folder {text!r}: cannot create folders in {existing} "
            f"({error.strerror}); choose a writable folder"
        ) from None
    return path


def register(subparsers):
    """Add the `compare-local` subcommand."""
    parser = subparsers.add_parser(
        "compare-local",
        help="load-test the monolith and the microservices side by side",
        description=(
            "Run the JMeter plan through Taurus against the monolith, then against "
            "the microservices behind nginx, with the database reset to the same "
            "data before each run, and write results/<timestamp>/ with the report."
        ),
    )
    add_load_options(parser)
    add_run_options(parser)
    parser.set_defaults(func=run)


def add_load_options(parser):
    """Add the options that shape the load of each run."""
    parser.add_argument(
        "--users",
        type=bounded_int(1, 10_000),
        default=20,
        help="concurrent JMeter threads (students) per run (default 20)",
    )
    parser.add_argument(
        "--ramp-up",
        type=parse_duration,
        default=10,
        metavar="DURATION",
        help="time to start all users, e.g. 10s (default 10s)",
    )
    parser.add_argument(
        "--duration",
        type=parse_duration,
        default=60,
        metavar="DURATION",
        help="load time of each run including the ramp-up, e.g. 60s or 10m "
        "(default 60s)",
    )
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="session",
        help="thread group of the plan to run; all splits users over every group "
        "(default session)",
    )
    parser.add_argument(
        "--think-time",
        type=bounded_int(0, 60_000),
        default=500,
        metavar="MS",
        help="pause before each request in milliseconds (default 500)",
    )


def add_run_options(parser):
    """Add the options that choose the database, the repeats and the replicas."""
    parser.add_argument(
        "--database-url",
        type=database_url,
        help="database to reset and seed before every run; it is dropped first "
        f"(default sqlite:///{DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--repeat",
        type=bounded_int(1, 20),
        default=1,
        help="runs per topology, with the data reset in between (default 1)",
    )
    parser.add_argument(
        "--replicas",
        type=bounded_int(1, MAX_REPLICAS),
        default=1,
        help="processes per microservice behind nginx, the local analogue of pods "
        "(default 1; the monolith always runs one)",
    )
    parser.add_argument(
        "--out",
        type=output_folder,
        default=REPO_ROOT / "results",
        help="folder that receives <timestamp>/ (default results/)",
    )


def run(args):
    """Run the comparison and print the side-by-side table."""
    if args.ramp_up >= args.duration:
        logger.error(
            "--duration (%d s) must be longer than --ramp-up (%d s), because the "
            "duration includes the ramp-up",
            args.duration,
            args.ramp_up,
        )
        return 2

    from prslab.runner import StackError

    try:
        compare(args)
    except (CompareError, LoadError, StackError, ToolError) as error:
        logger.error("%s", error)
        return 1
    return 0


def compare(args):
    """Run every topology and repeat, write the report and return the result folder."""
    started = time.monotonic()
    from prslab.tools.jmeter import find_jmeter

    jmeter = find_jmeter()
    students = students_needed(args)
    result_dir = Path(args.out) / datetime.now().strftime("%Y%m%d-%H%M%S")
    result_dir.mkdir(parents=True, exist_ok=False)
    info = run_info(args, students, jmeter)
    write_json(result_dir / "run.json", info)
    database = args.database_url or f"sqlite:///{DEFAULT_DATABASE}"

    plan = [
        (topology, topology if repeat == 1 else f"{topology}-{repeat}")
        for repeat in range(1, args.repeat + 1)
        for topology in TOPOLOGIES
    ]
    # The tokens are live credentials, so they stay out of the result folder.
    with tempfile.TemporaryDirectory(prefix="prslab-tokens-") as tokens_dir:
        setup = Setup(jmeter, database, students, Path(tokens_dir) / "tokens.csv")
        for index, (topology, label) in enumerate(plan, start=1):
            logger.info("[%d/%d] %s: starting", index, len(plan), label)
            entry = measure(args, setup, topology, label, result_dir / label)
            info["runs"].append(entry)
            write_json(result_dir / "run.json", info)

    info["ended"] = now_iso()
    write_json(result_dir / "run.json", info)
    report(result_dir)
    logger.info(
        "Comparison finished in %.0f s; results in %s",
        time.monotonic() - started,
        result_dir,
    )
    return result_dir


def students_needed(args):
    """Return how many students to seed so that the plan does not run out."""
    if args.scenario not in ("session", "all"):
        return max(MIN_STUDENTS, args.users)

    # The session group takes a new student every iteration.
    iteration_s = SESSION_REQUESTS * max(args.think_time / 1000, MIN_REQUEST_S)
    wanted = args.users * (1 + math.ceil(args.duration / iteration_s))
    if wanted > MAX_STUDENTS:
        logger.warning(
            "The run may need up to %d students but at most %d can be seeded; "
            "JMeter threads stop when the token file runs out",
            wanted,
            MAX_STUDENTS,
        )
    return min(max(MIN_STUDENTS, wanted), MAX_STUDENTS)


def measure(args, setup, topology, label, run_dir):
    """Reset the data, start the topology, load it and return run.json's entry."""
    from prslab.runner import run_stack

    reset_database(setup.database, setup.students)
    issue_tokens(setup.database, setup.tokens)

    replicas = args.replicas if topology == "microservices" else 1
    entry = {
        "label": label,
        "topology": topology,
        "replicas": replicas,
        "users": args.users,
        "students": setup.students,
        "started": now_iso(),
    }
    run_dir.mkdir(parents=True)

    logger.info("%s: starting %d replica(s) per service", label, replicas)
    # Free ports keep the runs clear of servers that are already listening.
    with run_stack(
        topology,
        port=0,
        replicas=replicas,
        database_url=setup.database,
        free_ports=True,
    ) as stack:
        options = LoadOptions(
            url=stack.url,
            scenario=args.scenario,
            users=args.users,
            ramp_up_s=args.ramp_up,
            duration_s=args.duration,
            think_time_ms=args.think_time,
            tokens=setup.tokens,
        )
        logger.info(
            "%s: running Taurus for %d s (%d users, scenario %s) against %s",
            label,
            args.duration,
            args.users,
            args.scenario,
            stack.url,
        )
        with ResourceSampler(stack.processes, run_dir / "resources.csv"):
            result = run_load(options, run_dir, setup.jmeter)
        logger.info("%s: stopping the stack", label)

    entry.update(
        ended=now_iso(),
        taurus_exit_code=result.exit_code,
        criteria_failed=result.criteria_failed,
        url=stack.url,
    )
    return entry


def reset_database(database, students):
    """Drop, create and seed the database with the fixed seed."""
    logger.info("Resetting the database (%d students, seed %d)", students, SEED)
    run_prs(database, "reset-db", "--students", str(students), "--seed", str(SEED))


def issue_tokens(database, path):
    """Write a fresh token file for the seeded students."""
    logger.info("Issuing tokens into %s", path)
    run_prs(database, "issue-tokens", "--out", str(path))


def run_prs(database, *arguments):
    """Run one `prs` command against the database, raising CompareError on failure."""
    command = [str(Path(sys.executable).parent / "prs"), *arguments]
    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": database},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise CompareError(
            f"`prs {' '.join(arguments)}` failed with status {completed.returncode}:"
            f"\n{completed.stdout}{completed.stderr}"
        )


def report(result_dir):
    """Build the report of the result folder and print its tables."""
    from prslab import report as reporting
    from prslab.report.model import load_topologies

    logger.info("Writing the report into %s", result_dir)
    reporting.build_report(result_dir)
    print(flush=True)
    reporting.print_tables(load_topologies(result_dir))
    print(f"\nReport: {result_dir / 'report.md'} and report.html", flush=True)


def run_info(args, students, jmeter):
    """Return the run.json header: options, machine and tool versions."""
    options = {
        "users": args.users,
        "ramp_up_s": args.ramp_up,
        "duration_s": args.duration,
        "scenario": args.scenario,
        "think_time_ms": args.think_time,
        "database": "postgresql" if args.database_url else "sqlite",
        "repeat": args.repeat,
        "replicas": args.replicas,
        "students": students,
        "seed": SEED,
    }
    return {
        "kind": "local",
        "options": options,
        "started": now_iso(),
        "ended": None,
        "machine": {
            "hostname": socket.gethostname(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "tools": tool_versions(jmeter),
        "runs": [],
    }


def tool_versions(jmeter):
    """Return the versions of the tools that shape the results."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"jmeter": str(jmeter)}
    for package in ("bzt", "gunicorn", "Flask", "SQLAlchemy"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def now_iso():
    """Return the current UTC time in ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json(path, data):
    """Write `data` as indented JSON."""
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
