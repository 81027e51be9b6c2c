"""The `prs` command: create, seed and reset the database, and issue tokens."""

import csv
import logging
import sys
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from prs import seed as seeding
from prs.auth import ADVISOR, STUDENT, issue_token
from prs.config import ConfigError
from prs.db import db
from prs.models import Student


def build_app():
    """Create the app that the commands run in, with every operation."""
    from prs.app import create_app

    try:
        app = create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    create_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    return app


def create_sqlite_folder(database_url: str) -> None:
    """Create the folder of a SQLite database file if it is missing."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


@click.group(cls=FlaskGroup, create_app=build_app, load_dotenv=False)
def cli():
    """Manage the PRS database and tokens."""


seed_options = [
    click.option(
        "--students",
        default=seeding.DEFAULT_STUDENTS,
        show_default=True,
        type=click.IntRange(0, seeding.MAX_STUDENTS),
        help="Number of students to generate.",
    ),
    click.option(
        "--seed",
        "seed_value",
        default=seeding.DEFAULT_SEED,
        show_default=True,
        type=int,
        help="Random seed of the student generator.",
    ),
]


def add_seed_options(command):
    """Add the --students and --seed options to a command."""
    for option in reversed(seed_options):
        command = option(command)
    return command


def run_database_step(step, *args):
    """Run a database step, turning its failures into a clear CLI error."""
    try:
        return step(*args)
    except seeding.SeedError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except SQLAlchemyError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The database step failed: {error.__class__.__name__}: "
            f"{getattr(error, 'orig', None) or error}. Check DATABASE_URL and run "
            "`prs init-db` first."
        ) from error


@cli.command("init-db")
@with_appcontext
def init_db():
    """Create the tables that are missing (idempotent)."""
    run_database_step(seeding.create_schema)
    click.echo("Created the PRS schema.")


@cli.command("seed")
@add_seed_options
@click.option(
    "--if-empty",
    is_flag=True,
    help="Exit successfully without changes when the database is already seeded.",
)
@with_appcontext
def seed(students, seed_value, if_empty):
    """Load the catalogue and generate students into an empty schema."""
    if if_empty and run_database_step(seeding.is_seeded):
        click.echo("The database is already seeded; nothing to do.")
        return
    report_seed(students, seed_value)


@cli.command("reset-db")
@add_seed_options
@with_appcontext
def reset_db(students, seed_value):
    """Drop every table, create the schema again and seed it."""
    run_database_step(seeding.drop_schema)
    run_database_step(seeding.create_schema)
    report_seed(students, seed_value)


def report_seed(students: int, seed_value: int) -> None:
    """Seed the database and print what was loaded."""
    started = time.perf_counter()
    run_database_step(seeding.seed_database, students, seed_value)
    elapsed = time.perf_counter() - started
    click.echo(
        f"Seeded the catalogue and {students} students (seed {seed_value}) "
        f"in {elapsed:.2f} s."
    )


@cli.command("issue-tokens")
@click.option(
    "--out",
    default="var/tokens.csv",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Path of the token CSV file to write.",
)
@click.option(
    "--ttl-hours",
    default=24.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True, max=24 * 366),
    help="Token lifetime in hours.",
)
@with_appcontext
def issue_tokens(out: Path, ttl_hours: float):
    """Write a student token and their advisor's token for every student."""
    students = run_database_step(
        lambda: db.session.execute(
            select(Student.id, Student.advisor_id).order_by(Student.id)
        ).all()
    )
    if not students:
        raise click.ClickException("No students found; run `prs seed` first.")

    secret = current_app.config["SECRET_KEY"]
    ttl = timedelta(hours=ttl_hours)
    write_token_csv(out, students, secret, ttl)
    click.echo(f"Wrote {len(students)} token rows to {out}.")


def write_token_csv(out: Path, students, secret: str, ttl: timedelta) -> None:
    """Write the token CSV that the load tests read."""
    out.parent.mkdir(parents=True, exist_ok=True)
    advisor_tokens = {}
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["student_id", "student_token", "advisor_id", "advisor_token"])
        for student_id, advisor_id in students:
            if advisor_id not in advisor_tokens:
                advisor_tokens[advisor_id] = issue_token(
                    advisor_id, ADVISOR, secret, ttl
                )
            student_token = issue_token(student_id, STUDENT, secret, ttl)
            writer.writerow(
                [student_id, student_token, advisor_id, advisor_tokens[advisor_id]]
            )


def main() -> None:
    """Run the `prs` command line."""
    # Commands print their results on stdout, so the app's own start-up logs
    # go to stderr, and only warnings and errors among them.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    package_logger = logging.getLogger("prs")
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.WARNING)
    sys.exit(cli.main())
