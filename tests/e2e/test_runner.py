"""The local runner: starting, stopping and failing cleanly, and the gateway's edge."""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from prs.config import MAX_CONTENT_LENGTH
from prslab import REPO_ROOT, runner
from prslab.runner import GATEWAY_TEMPLATE, StackError, run_stack
from tests.e2e.processes import process_tree, still_running
from tests.support.http import http_target

pytestmark = pytest.mark.http

TOPOLOGY_SERVICES = {
    "monolith": {"monolith"},
    "microservices": {service.name for service in runner.MICROSERVICES} | {"gateway"},
}


def run_gateway_stack(database_url, tmp_path):
    """Start the microservices on free ports, with their logs under `tmp_path`."""
    return run_stack(
        "microservices",
        port=0,
        database_url=database_url,
        free_ports=True,
        runtime_dir=tmp_path / "stack",
    )


@pytest.mark.parametrize("topology", ["monolith", "microservices"])
def test_stack_stops_every_process(topology, nginx, seeded_sqlite, tmp_path):
    replicas = 2 if topology == "microservices" else 1

    with run_stack(
        topology,
        port=0,
        replicas=replicas,
        database_url=seeded_sqlite,
        free_ports=True,
        runtime_dir=tmp_path / "stack",
    ) as stack:
        labels = [label for pairs in stack.processes.values() for label, _ in pairs]
        pids = [pid for pairs in stack.processes.values() for _, pid in pairs]
        tree = process_tree(pids)
        classes = requests.get(f"{stack.url}/api/classes", timeout=10)

    assert set(stack.processes) == TOPOLOGY_SERVICES[topology]
    expected_count = 5 * replicas + 1 if topology == "microservices" else 1
    assert len(labels) == expected_count
    # Each gunicorn master has at least one worker, so the tree is larger.
    assert len(tree) > len(pids)
    assert classes.status_code == 200
    assert still_running(tree) == []


def test_stack_stops_after_exception(seeded_sqlite, tmp_path):
    with (
        pytest.raises(RuntimeError, match="boom"),
        run_stack(
            "monolith",
            port=0,
            database_url=seeded_sqlite,
            runtime_dir=tmp_path / "stack",
        ) as stack,
    ):
        tree = process_tree([pid for _, pid in stack.processes["monolith"]])
        raise RuntimeError("boom")

    assert still_running(tree) == []


def test_busy_port_is_reported(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        expected = f"Port {port} .* already in use"
        with (
            pytest.raises(StackError, match=expected),
            run_stack("monolith", port=port, runtime_dir=tmp_path),
        ):
            pass


def test_unready_app_shows_log_tail(tmp_path):
    # The folder of this SQLite file exists, but no schema does, so /readyz is 503.
    database_url = f"sqlite:///{tmp_path}/empty.sqlite3"

    with (
        pytest.raises(StackError) as raised,
        run_stack(
            "monolith",
            port=0,
            database_url=database_url,
            runtime_dir=tmp_path / "stack",
            ready_timeout=10,
        ),
    ):
        pass

    message = str(raised.value)
    assert "monolith-0 was not ready within 10 s" in message
    assert "503" in message
    assert "Last lines of" in message
    assert 'path="/readyz" status=503' in message


def test_crashing_app_shows_exit_status(tmp_path):
    with (
        pytest.raises(StackError) as raised,
        run_stack(
            "monolith",
            port=0,
            env={"GUNICORN_WORKERS": "zero"},
            runtime_dir=tmp_path,
        ),
    ):
        pass

    message = str(raised.value)
    assert "monolith-0 exited with status" in message
    assert "GUNICORN_WORKERS must be an integer, got 'zero'." in message


def run_serve(database_url, *options, port=0, env=None):
    """Run `prslab serve monolith` in a subprocess and return the completed process."""
    arguments = ["monolith", "--port", str(port), "--database-url", database_url]
    return subprocess.run(
        [sys.executable, "-m", "prslab", "serve", *arguments, *options],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_serve_busy_port_prints_one_line(seeded_sqlite):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = run_serve(seeded_sqlite, port=port)

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"prslab serve: error: Port {port} on 127.0.0.1 ")
    assert "already in use" in lines[0]


def test_serve_crash_names_log_file(seeded_sqlite):
    result = run_serve(seeded_sqlite, env={"GUNICORN_WORKERS": "zero"})

    last_line = result.stderr.strip().splitlines()[-1]
    log_path = Path(last_line.rpartition("See its log: ")[2])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert last_line.startswith("prslab serve: error: monolith-0 exited with status")
    assert log_path.name == "monolith-0.log"
    assert "GUNICORN_WORKERS must be an integer" in log_path.read_text()


def test_serve_ready_timeout_prints_one_line(seeded_sqlite):
    # With no time to wait, the first probe, sent before gunicorn listens, fails.
    result = run_serve(seeded_sqlite, "--ready-timeout", "0")

    last_line = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert last_line.startswith("prslab serve: error: monolith-0 was not ready within")
    assert "See its log: " in last_line
    assert last_line.endswith("monolith-0.log")


def test_missing_nginx_names_install_command(monkeypatch):
    monkeypatch.setattr(runner.shutil, "which", lambda _name: None)
    monkeypatch.setattr(runner, "NGINX_DIRS", ())

    with pytest.raises(StackError) as raised:
        runner.find_nginx()

    assert "sudo apt-get install -y nginx" in str(raised.value)


def test_invalid_replica_counts_rejected():
    with pytest.raises(ValueError, match="replicas must be from 1 to 10, not 11"):
        runner.plan_ports("microservices", 0, 11, free_ports=True)
    with pytest.raises(ValueError, match="replicas must be from 1 to 10, not 0"):
        runner.plan_ports("microservices", 0, 0, free_ports=True)
    with pytest.raises(ValueError, match="monolith runs as one process"):
        runner.plan_ports("monolith", 0, 2, free_ports=True)


def test_fixed_ports_follow_table():
    plan = runner.plan_ports("microservices", 0, 3, free_ports=False)

    ports = {label: port for _, label, port in plan["apps"]}
    assert ports["class-schedule-0"] == 8110
    assert ports["exam-schedule-2"] == 8122
    assert ports["add-selection-1"] == 8131
    assert ports["validate-plan-0"] == 8140
    assert ports["drop-selection-2"] == 8152
    assert len(ports) == 15


def test_rendered_gateway_passes_nginx_check(nginx, tmp_path):
    plan = runner.plan_ports("microservices", 0, 2, free_ports=True)

    config_path = runner.write_nginx_config(tmp_path, plan)
    rendered = (tmp_path / "gateway.conf").read_text()
    result = subprocess.run(
        [str(nginx), "-t", "-p", str(tmp_path), "-c", str(config_path), "-e", "stderr"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert re.search(r"\$\{[A-Z_]+\}", rendered) is None
    assert rendered.count("server 127.0.0.1:") == 10
    assert "$request_id" in rendered


def test_gateway_body_limit_matches_apps():
    template = GATEWAY_TEMPLATE.read_text()

    limit = re.search(r"client_max_body_size (\d+)k;", template)
    assert limit is not None
    assert int(limit.group(1)) * 1024 == MAX_CONTENT_LENGTH


def test_gateway_errors_are_json(nginx, tmp_path):
    with http_target("microservices", students=10, runtime_dir=tmp_path) as base_url:
        unknown = requests.get(f"{base_url}/api/nothing-here", timeout=5)
        oversized = requests.post(
            f"{base_url}/api/selections",
            data=b"x" * (MAX_CONTENT_LENGTH + 1),
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        health = requests.get(f"{base_url}/healthz", timeout=5)

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert oversized.status_code == 413
    assert oversized.json()["error"]["code"] == "payload_too_large"
    assert health.json() == {"status": "ok"}


def test_stopped_service_gives_502(nginx, seeded_sqlite, tmp_path):
    with run_gateway_stack(seeded_sqlite, tmp_path) as stack:
        exams = next(p for p in stack.started if p.label == "exam-schedule-0")
        runner.stop_processes([exams], timeout=10)
        response = requests.get(f"{stack.url}/api/exams", timeout=10)
        classes = requests.get(f"{stack.url}/api/classes", timeout=10)

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "bad_gateway"
    assert classes.status_code == 200


def test_request_id_reaches_app_log(nginx, seeded_sqlite, tmp_path):
    with run_gateway_stack(seeded_sqlite, tmp_path) as stack:
        response = requests.get(f"{stack.url}/api/classes?per_page=1", timeout=10)
        log_path = stack.logs["class-schedule-0"]

    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    access_lines = [
        line
        for line in log_path.read_text().splitlines()
        if line.startswith("method=GET") and f"request_id={request_id}" in line
    ]
    assert len(access_lines) == 1
    assert 'path="/api/classes" status=200 duration_ms=' in access_lines[0]


def test_dockerfile_cmd_matches_runner():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()

    commands = re.findall(r"^CMD (\[.*\])\s*$", dockerfile, flags=re.MULTILINE)
    assert len(commands) == 1
    cmd = json.loads(commands[0])
    runner_command = runner.gunicorn_command("monolith.wsgi:app")
    assert cmd[0] == "gunicorn"
    assert cmd[1:] == runner_command[1:]
    assert Path(runner_command[0]).name == "gunicorn"


def test_serve_help_lists_options():
    result = subprocess.run(
        [sys.executable, "-m", "prslab", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )

    assert result.returncode == 0, result.stderr
    options = ("--port", "--replicas", "--database-url", "--workers", "--threads")
    for option in (*options, "--ready-timeout"):
        assert option in result.stdout
    assert "{monolith,microservices}" in result.stdout
