"""Map domain errors and HTTP exceptions to the one JSON error shape."""

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from prs import errors
from prs.db import db

logger = logging.getLogger(__name__)

STATUS_BY_ERROR = {
    errors.InvalidInput: 422,
    errors.AuthenticationError: 401,
    errors.PermissionDenied: 403,
    errors.NotFoundError: 404,
    errors.RuleViolation: 409,
}

# Error codes of the HTTP exceptions that Flask and Werkzeug raise.
CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
}

MESSAGE_BY_STATUS = {
    404: "No route matches this URL.",
    405: "This URL does not accept this method.",
    413: "The request body is larger than the limit.",
}


def error_response(status: int, code: str, message: str, field: str | None = None):
    """Build the JSON error response used for every failure."""
    body = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return jsonify({"error": body}), status


def handle_domain_error(error: errors.DomainError):
    """Roll back and return the status that matches the domain error."""
    db.session.rollback()
    status = next(
        code for kind, code in STATUS_BY_ERROR.items() if isinstance(error, kind)
    )
    response = error_response(status, error.code, error.message, error.field)
    if status == 401:
        response[0].headers["WWW-Authenticate"] = "Bearer"
    return response


def handle_http_exception(error: HTTPException):
    """Return Werkzeug's HTTP errors (404, 405, 413, ...) as JSON."""
    db.session.rollback()
    status = error.code or 500
    code = getattr(error, "error_code", None) or CODE_BY_STATUS.get(
        status, "http_error"
    )
    message = MESSAGE_BY_STATUS.get(status) or error.description or error.name
    response, status = error_response(status, code, message)
    for name, value in error.get_headers():
        if name.lower() == "allow":
            response.headers["Allow"] = value
    return response, status


def handle_database_unavailable(error: OperationalError):
    """Return 503 when the database cannot be reached or stays locked."""
    db.session.rollback()
    logger.exception("Database operation failed: %s", error.orig)
    return error_response(
        503, "database_unavailable", "The database is unavailable; retry later."
    )


def handle_unexpected_error(error: Exception):
    """Log an unexpected error and return a JSON 500 without its details."""
    db.session.rollback()
    logger.exception("Unhandled error: %s", error)
    return error_response(500, "internal_error", "The server failed unexpectedly.")


def init_app(app: Flask) -> None:
    """Register the error handlers on the app."""
    app.register_error_handler(errors.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected_error)
