"""Set up the SQLAlchemy extension and the per-dialect locking for writes."""

import logging

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

logger = logging.getLogger(__name__)

# Writers wait this long for the SQLite write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option that marks a transaction that will write (see begin_write).
WRITE_OPTION = "prs_write"


class Base(DeclarativeBase):
    """Declarative base of every PRS model."""


db = SQLAlchemy(model_class=Base)


def init_app(app: Flask) -> None:
    """Bind the extension to the app and add the SQLite hooks when needed."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        add_sqlite_hooks(engine)


def add_sqlite_hooks(engine: Engine) -> None:
    """Make SQLite serialize write transactions across threads and processes."""

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy, so the begin hook below
        # decides how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_transaction(connection):
        # BEGIN IMMEDIATE takes the write lock before the first read, so the
        # checks and the insert of one write see no concurrent writer.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def begin_write() -> None:
    """Start the session's transaction as a write (SQLite: BEGIN IMMEDIATE)."""
    session = db.session()
    if session.in_transaction():
        # A read already started a plain transaction; restart it so the
        # write lock covers every check that follows.
        session.rollback()
    session.connection(execution_options={WRITE_OPTION: True})
