"""Requests rejected before they reach Flask, and the JSON errors they get.

The gateway rejects malformed and oversized requests itself, and gunicorn's limits
sit above nginx's, so whatever nginx passes on gets Flask's JSON errors.
"""

import contextlib
import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from prs.auth import STUDENT, issue_token
from prs.config import MAX_CONTENT_LENGTH
from tests.support.api import TEST_SECRET_KEY
from tests.support.http import http_target

pytestmark = pytest.mark.http

TOPOLOGIES = ("monolith", "microservices")
QUERY_LENGTH = 5000  # above gunicorn's default limit_request_line, below nginx's
HEADER_LENGTH = 9000  # above nginx's 8 KiB header buffers, below gunicorn's limit
SECRET_ENV = {"PRS_SECRET_KEY": TEST_SECRET_KEY}
GET_CLASSES = b"GET /api/classes?per_page=1 HTTP/1.1\r\nHost: prs\r\n"

# Requests that nginx rejects itself: name, raw request, status, error code.
GATEWAY_REJECTIONS = [
    ("malformed request line", b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (
        "unsupported HTTP version",
        b"GET /api/classes HTTP/9.9\r\nHost: prs\r\n\r\n",
        505,
        "http_version_not_supported",
    ),
    ("missing Host header", b"GET /api/classes HTTP/1.1\r\n\r\n", 400, "bad_request"),
    (
        "URI over 8 KiB",
        b"GET /api/classes?course=" + b"a" * HEADER_LENGTH + b" HTTP/1.1\r\n"
        b"Host: prs\r\n\r\n",
        414,
        "uri_too_long",
    ),
    (
        "header over 8 KiB",
        GET_CLASSES + b"X-Padding: " + b"a" * HEADER_LENGTH + b"\r\n\r\n",
        431,
        "request_header_fields_too_large",
    ),
    (
        "unknown Transfer-Encoding",
        b"POST /api/selections HTTP/1.1\r\nHost: prs\r\n"
        b"Transfer-Encoding: gzip\r\n\r\n",
        501,
        "not_implemented",
    ),
    (
        "error page path",
        b"GET /__errors/400 HTTP/1.1\r\nHost: prs\r\n\r\n",
        404,
        "not_found",
    ),
]


@pytest.fixture(scope="module")
def urls(nginx):
    """Serve both topologies on free ports and yield their base URLs."""
    with contextlib.ExitStack() as stacks:
        yield {
            topology: stacks.enter_context(
                http_target(topology, students=10, env=SECRET_ENV)
            )
            for topology in TOPOLOGIES
        }


def send_raw(base_url, request):
    """Send raw request bytes and return the status, headers and body."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    return response.status, response.headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [case[1:] for case in GATEWAY_REJECTIONS],
    ids=[case[0] for case in GATEWAY_REJECTIONS],
)
def test_gateway_rejection_is_json(urls, request_bytes, status, code):
    got_status, headers, body = send_raw(urls["microservices"], request_bytes)

    assert got_status == status
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == code
    assert headers["X-Request-ID"]


@pytest.mark.parametrize("method", [b"TRACE", b"CONNECT"])
def test_rejected_method_matches_monolith(urls, method):
    request = method + b" /api/classes HTTP/1.1\r\nHost: prs\r\n\r\n"

    responses = {name: send_raw(url, request) for name, url in urls.items()}

    for status, headers, body in responses.values():
        assert status == 405
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["error"]["code"] == "method_not_allowed"
        allowed = {name.strip() for name in headers["Allow"].split(",")}
        assert allowed == {"GET", "HEAD", "OPTIONS"}
    bodies = {name: json.loads(found[2]) for name, found in responses.items()}
    assert bodies["microservices"] == bodies["monolith"]


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_long_query_reaches_flask(urls, topology):
    course = "a" * QUERY_LENGTH

    response = requests.get(
        f"{urls[topology]}/api/classes", params={"course": course}, timeout=10
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
    assert response.json()["error"]["field"] == "course"


def test_monolith_accepts_9000_byte_header(urls):
    request = GET_CLASSES + b"X-Padding: " + b"a" * HEADER_LENGTH + b"\r\n\r\n"

    status, headers, body = send_raw(urls["monolith"], request)

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["per_page"] == 1


def test_gateway_messages_match_monolith(urls):
    # The monolith checks the token before it reads the body.
    token = issue_token("S00001", STUDENT, TEST_SECRET_KEY)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def errors(base_url):
        unknown = requests.get(f"{base_url}/api/nothing-here", timeout=10)
        oversized = requests.post(
            f"{base_url}/api/selections",
            data=b"x" * (MAX_CONTENT_LENGTH + 1),
            headers=headers,
            timeout=10,
        )
        return {
            "unknown": (unknown.status_code, unknown.json()),
            "oversized": (oversized.status_code, oversized.json()),
        }

    monolith = errors(urls["monolith"])
    gateway = errors(urls["microservices"])

    assert gateway["unknown"] == monolith["unknown"]
    assert gateway["oversized"] == monolith["oversized"]
    assert monolith["unknown"][0] == 404
    assert monolith["oversized"][0] == 413
