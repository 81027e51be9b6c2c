"""Log one line per request and pass the request id on."""

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

logger = logging.getLogger(__name__)

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
    """Store the request id and the start time."""
    request_id = request.headers.get(REQUEST_ID_HEADER, "")
    if not VALID_REQUEST_ID.fullmatch(request_id):
        request_id = uuid.uuid4().hex
    g.request_id = request_id
    g.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id and log method, path, status and duration."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    started = g.get("request_started", time.perf_counter())
    duration_ms = (time.perf_counter() - started) * 1000
    response.headers[REQUEST_ID_HEADER] = request_id
    logger.info(
        "%s %s %s %.1fms request_id=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        request_id,
    )
    return response


def init_app(app: Flask) -> None:
    """Register the request hooks on the app."""
    app.before_request(start_request)
    app.after_request(finish_request)
