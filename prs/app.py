"""Build a Flask app that serves some or all of the five operations."""

import logging
from collections.abc import Iterable, Mapping

from flask import Flask

from prs import db, requestlog
from prs.api import (
    add_selection,
    classes,
    drop_selection,
    errors,
    exams,
    health,
    validate_plan,
)
from prs.config import load_config

logger = logging.getLogger(__name__)

BLUEPRINTS = {
    "classes": classes.bp,
    "exams": exams.bp,
    "add_selection": add_selection.bp,
    "validate_plan": validate_plan.bp,
    "drop_selection": drop_selection.bp,
}
OPERATIONS = tuple(BLUEPRINTS)


def create_app(
    operations: Iterable[str] | None = None, config: Mapping | None = None
) -> Flask:
    """Create the app with the named operations (all five when None)."""
    requestlog.configure_logging()
    names = list(OPERATIONS if operations is None else operations)
    unknown = sorted(set(names) - set(OPERATIONS))
    if unknown or not names:
        raise ValueError(
            f"Unknown or no operations {unknown}; choose from {', '.join(OPERATIONS)}."
        )

    app = Flask(__name__)
    app.config.update(load_config())
    app.config.update(config or {})
    app.json.sort_keys = False

    db.init_app(app)
    errors.init_app(app)
    requestlog.init_app(app)
    app.register_blueprint(health.bp)
    for name in names:
        app.register_blueprint(BLUEPRINTS[name])

    logger.info(
        "Created PRS app serving %s on %s",
        ", ".join(names),
        app.config["SQLALCHEMY_DATABASE_URI"].split("://")[0],
    )
    return app
