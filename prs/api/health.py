"""Health checks: liveness (/healthz) and readiness (/readyz)."""

import logging

from flask import Blueprint
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from prs.api.errors import error_response
from prs.db import db

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Report that the process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Report ready once the database responds and contains every table."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            missing = sorted(
                set(db.metadata.tables) - set(inspect(connection).get_table_names())
            )
    except SQLAlchemyError as error:
        logger.warning("Readiness check failed: %s", error)
        return error_response(503, "not_ready", "The database is not reachable.")

    if missing:
        return error_response(
            503,
            "not_ready",
            f"The schema is missing tables {', '.join(missing)}; run `prs init-db`.",
        )
    return {"status": "ready"}
