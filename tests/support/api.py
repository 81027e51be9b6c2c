"""One client interface for the API, in process or over HTTP."""

import json as jsonlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from openapi_core import OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.exceptions import MethodNotAllowed, NotFound

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "prs" / "openapi.yaml"
HOST_URL = "http://127.0.0.1:8000"
# A fixed signing key for the tests; servers started by the tests inherit it
# through PRS_SECRET_KEY.
TEST_SECRET_KEY = "prs-test-key-0123456789abcdef0123456789"

_openapi = None


def openapi() -> OpenAPI:
    """Return the API document, loaded once."""
    global _openapi
    if _openapi is None:
        _openapi = OpenAPI.from_file_path(str(OPENAPI_PATH))
    return _openapi


@dataclass
class Response:
    """What a client got back: status, decoded JSON body and headers."""

    status: int
    json: Any
    headers: Mapping[str, str]
    body: bytes = field(repr=False, default=b"")


@dataclass
class Sent:
    """The parts of a request needed to check its response against the spec."""

    method: str
    path: str
    headers: dict


def build_request(json=None, data=None, headers=None, token=None):
    """Return the body bytes and headers of a request."""
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if json is not None:
        data = jsonlib.dumps(json).encode()
        headers.setdefault("Content-Type", "application/json")
    if isinstance(data, str):
        data = data.encode()
    return data, headers


def decode_body(body: bytes, content_type: str | None):
    """Decode a JSON body, or return None for an empty or non-JSON one."""
    if not body or not (content_type or "").startswith("application/json"):
        return None
    return jsonlib.loads(body)


def check_against_openapi(sent: Sent, response: Response) -> None:
    """Validate a response against the document when it describes the route."""
    parts = urlsplit(sent.path)
    request = MockRequest(
        HOST_URL,
        sent.method,
        parts.path,
        args={key: values[0] for key, values in parse_qs(parts.query).items()},
        headers=sent.headers,
    )
    content_type = response.headers.get("Content-Type", "application/json")
    mock = MockResponse(
        response.body, response.status, dict(response.headers), content_type
    )
    try:
        openapi().validate_response(request, mock)
    except (PathNotFound, OperationNotFound):
        # Unknown routes and methods (the 404 and 405 cases) are not in the
        # document, so only their JSON error shape is checked.
        assert response.json["error"]["code"] in ("not_found", "method_not_allowed")


class ApiClient:
    """Send API requests and check every response against the OpenAPI document."""

    def request(
        self, method, path, json=None, data=None, headers=None, token=None
    ) -> Response:
        """Send one request and return its response."""
        body, headers = build_request(json, data, headers, token)
        response = self.send(method.upper(), path, body, headers)
        check_against_openapi(Sent(method.upper(), path, headers), response)
        return response

    def send(self, method, path, body, headers) -> Response:
        """Send the encoded request (implemented per transport)."""
        raise NotImplementedError

    def get(self, path, **kwargs) -> Response:
        """Send a GET request."""
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs) -> Response:
        """Send a POST request."""
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs) -> Response:
        """Send a PUT request."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs) -> Response:
        """Send a DELETE request."""
        return self.request("DELETE", path, **kwargs)


class FlaskClient(ApiClient):
    """Call Flask apps in process, routing each request as the gateway does."""

    def __init__(self, apps: Sequence[Flask]):
        self.apps = list(apps)

    def route(self, method: str, path: str) -> Flask:
        """Pick the app that owns method and path, else one that owns the path."""
        path_only = urlsplit(path).path
        owner_of_path = None
        for app in self.apps:
            adapter = app.url_map.bind("localhost")
            try:
                adapter.match(path_only, method)
            except MethodNotAllowed:
                owner_of_path = owner_of_path or app
                continue
            except NotFound:
                continue
            return app
        return owner_of_path or self.apps[0]

    def send(self, method, path, body, headers) -> Response:
        """Send the request through the owning app's test client."""
        app = self.route(method, path)
        with app.test_client() as client:
            result = client.open(path, method=method, data=body, headers=headers)
            payload = result.get_data()
        return Response(
            status=result.status_code,
            json=decode_body(payload, result.content_type),
            headers=result.headers,
            body=payload,
        )


class HttpClient(ApiClient):
    """Call a running server over HTTP."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, method, path, body, headers) -> Response:
        """Send the request with requests, one connection per call."""
        import requests

        result = requests.request(
            method,
            self.base_url + path,
            data=body,
            headers=headers,
            timeout=self.timeout,
            allow_redirects=False,
        )
        return Response(
            status=result.status_code,
            json=decode_body(result.content, result.headers.get("Content-Type")),
            headers=result.headers,
            body=result.content,
        )
