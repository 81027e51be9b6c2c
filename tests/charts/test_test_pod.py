"""Run the `helm test` pod's wait for the entry point against a local server."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.charts.conftest import by_kind

pytestmark = pytest.mark.charts


def wait_command(render):
    """Return the command of the test pod's init container."""
    (pod,) = by_kind(render("microservices"), "Pod").values()
    (init,) = pod["spec"]["initContainers"]
    assert init["name"] == "wait-for-entry-point"
    return init["command"]


class ReadyAfter:
    """A /readyz on 127.0.0.1 that returns 503 a few times, then 200."""

    def __init__(self, failures):
        self.failures = failures
        self.requests = 0
        handler = self.handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def handler(self):
        """Return a request handler class bound to this server."""
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server hook name)
                state.requests += 1
                status = 503 if state.requests <= state.failures else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/readyz"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def run_wait(command, url, timeout_s):
    """Run the init container's Python script with a URL and a timeout."""
    assert command[:2] == ["python", "-c"]
    script = command[2]
    argv = [sys.executable, "-c", script, url, str(timeout_s)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def test_wait_retries_until_ready(render):
    command = wait_command(render)
    assert command[3].endswith("/readyz")

    with ReadyAfter(failures=2) as url:
        result = run_wait(command, url, 30)

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Waiting for") == 2
    assert f"{url} answered." in result.stdout


def test_wait_gives_up_after_timeout(render):
    command = wait_command(render)
    with ReadyAfter(failures=1000) as url:
        result = run_wait(command, url, 1)

    assert result.returncode == 1
    assert f"{url} did not answer 200 within 1 s" in result.stderr
