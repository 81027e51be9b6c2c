"""Pass the request id on, and send the package's logs to stdout.

Gunicorn writes the one access-log line per request (see prs/gunicorn_conf.py),
including the X-Request-ID response header that this module sets.
"""

import logging
import re
import sys
import uuid

from flask import Flask, g, request

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from the gateway are hex; accept any short token and replace the rest,
# so a client cannot inject text into the log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def configure_logging() -> None:
    """Send the package's INFO logs to stdout unless a handler is already set."""
    package_logger = logging.getLogger("prs")
    if package_logger.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.INFO)


def start_request() -> None:
    """Store the request id, or a new one when the header is missing or invalid."""
    request_id = request.headers.get(REQUEST_ID_HEADER, "")
    if not VALID_REQUEST_ID.fullmatch(request_id):
        request_id = uuid.uuid4().hex
    g.request_id = request_id


def finish_request(response):
    """Echo the request id, so the access log and the client both see it."""
    response.headers[REQUEST_ID_HEADER] = g.get("request_id") or uuid.uuid4().hex
    return response


def init_app(app: Flask) -> None:
    """Register the request hooks on the app."""
    app.before_request(start_request)
    app.after_request(finish_request)
