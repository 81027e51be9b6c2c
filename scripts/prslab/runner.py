"""Start a PRS topology as real local processes and stop every one of them.

The monolith is one gunicorn process. The microservices are five gunicorn
processes per replica with nginx in front, configured from the same gateway
template that the Helm chart uses. Every process binds 127.0.0.1 only.
"""

import contextlib
import ctypes
import grp
import logging
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from prslab import REPO_ROOT

logger = logging.getLogger(__name__)

TOPOLOGIES = ("monolith", "microservices")
MAX_REPLICAS = 10
LOOPBACK = "127.0.0.1"
GATEWAY_PORT = 8080
GATEWAY_TEMPLATE = REPO_ROOT / "microservices" / "gateway" / "nginx.conf.template"
GUNICORN_OPTIONS = ("--config", "python:prs.gunicorn_conf")
NGINX_INSTALL_COMMAND = "sudo apt-get install -y nginx"
NGINX_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin")
LOG_TAIL_LINES = 30


@dataclass(frozen=True)
class Service:
    """One app of a topology: its name, WSGI module and first local port."""

    name: str
    module: str
    base_port: int

    @property
    def placeholder(self):
        """Name of the gateway template placeholder listing this service's servers."""
        return "UPSTREAM_" + self.name.upper().replace("-", "_")


MONOLITH = Service("monolith", "monolith.wsgi:app", 8000)
MICROSERVICES = (
    Service("class-schedule", "microservices.class_schedule:app", 8110),
    Service("exam-schedule", "microservices.exam_schedule:app", 8120),
    Service("add-selection", "microservices.add_selection:app", 8130),
    Service("validate-plan", "microservices.validate_plan:app", 8140),
    Service("drop-selection", "microservices.drop_selection:app", 8150),
)


class StackError(RuntimeError):
    """A process of the stack could not be started or did not become ready.

    `summary` is the one-line cause, and `log_path` the log of the process that
    failed, if any. The message adds `detail`, such as the end of that log.
    """

    def __init__(self, summary, detail="", log_path=None):
        super().__init__(f"{summary}\n{detail}" if detail else summary)
        self.summary = summary
        self.log_path = log_path


@dataclass
class Process:
    """One started process: a gunicorn master or the nginx master."""

    service: str
    label: str
    port: int
    popen: subprocess.Popen
    log_path: Path
    ready_path: str


@dataclass
class Stack:
    """A running topology, as yielded by run_stack."""

    topology: str
    url: str
    runtime_dir: Path
    started: list = field(default_factory=list, repr=False)

    @property
    def processes(self):
        """Map each service name to its (replica label, root pid) pairs."""
        processes = {}
        for process in self.started:
            entry = (process.label, process.popen.pid)
            processes.setdefault(process.service, []).append(entry)
        return processes

    @property
    def logs(self):
        """Map each replica label to the file holding its stdout and stderr."""
        return {process.label: process.log_path for process in self.started}

    def exited(self):
        """Return the first process that has exited, or None while all run."""
        for process in self.started:
            if process.popen.poll() is not None:
                return process
        return None


@contextlib.contextmanager
def run_stack(
    topology,
    port=None,
    replicas=1,
    database_url=None,
    env=None,
    *,
    workers=None,
    threads=None,
    free_ports=False,
    runtime_dir=None,
    ready_timeout=60.0,
    stop_timeout=15.0,
):
    """Start a topology, wait until it is ready, yield a Stack, then stop it.

    `port` is the monolith's or the gateway's port (default 8000 or 8080; 0 picks
    a free one). With `free_ports`, every replica gets a free port too, instead of
    the fixed ones (8110 + replica index and so on). `env` adds variables to the
    apps' environment, and `database_url`, `workers` and `threads` set
    DATABASE_URL, GUNICORN_WORKERS and GUNICORN_THREADS.
    """
    plan = plan_ports(topology, port, replicas, free_ports)
    front_port = plan["front"]
    default_dir = REPO_ROOT / "var" / "stack" / f"{topology}-{front_port}"
    runtime_dir = Path(runtime_dir or default_dir)
    runtime_dir.mkdir(parents=True, exist_ok=True)
    app_env = build_app_env(env, database_url, workers, threads)
    stack = Stack(topology, f"http://{LOOPBACK}:{front_port}", runtime_dir)

    with sigterm_as_interrupt():
        try:
            for service, label, app_port in plan["apps"]:
                app = start_app(service, label, app_port, app_env, runtime_dir)
                stack.started.append(app)
            if topology == "microservices":
                stack.started.append(start_gateway(plan, runtime_dir))
            wait_until_ready(stack.started, ready_timeout)
            logger.info("%s is ready at %s", topology, stack.url)
            yield stack
        finally:
            stop_processes(stack.started, stop_timeout)


def plan_ports(topology, port, replicas, free_ports):
    """Choose the port of every app replica and of the front door."""
    if topology not in TOPOLOGIES:
        choices = ", ".join(TOPOLOGIES)
        raise ValueError(f"topology must be one of {choices}, not {topology!r}.")
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ValueError(f"replicas must be from 1 to {MAX_REPLICAS}, not {replicas}.")

    if topology == "monolith":
        if replicas != 1:
            raise ValueError("The monolith runs as one process: add workers instead.")
        front = MONOLITH.base_port if port is None else port
        if free_ports and port is None:
            front = 0
        (front,) = reserve_ports([front])
        return {"apps": [(MONOLITH, "monolith-0", front)], "front": front}

    front = GATEWAY_PORT if port is None else port
    if free_ports and port is None:
        front = 0
    replica_plan = [
        (service, f"{service.name}-{index}", service.base_port + index)
        for service in MICROSERVICES
        for index in range(replicas)
    ]
    if free_ports:
        replica_plan = [(service, label, 0) for service, label, _ in replica_plan]
    ports = reserve_ports([wanted for _, _, wanted in replica_plan] + [front])
    apps = [
        (service, label, chosen)
        for (service, label, _), chosen in zip(replica_plan, ports, strict=False)
    ]
    return {"apps": apps, "front": ports[-1]}


def reserve_ports(wanted):
    """Check that each wanted port is free on 127.0.0.1, picking one where it is 0."""
    sockets = []
    try:
        for port in wanted:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            # Gunicorn and nginx set SO_REUSEADDR too, so a port in TIME_WAIT is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((LOOPBACK, port))
            except OSError as error:
                raise StackError(
                    f"Port {port} on {LOOPBACK} is already in use ({error.strerror}): "
                    "stop whatever listens there, or choose other ports."
                ) from None
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def build_app_env(env, database_url, workers, threads):
    """Build the environment shared by every app process."""
    app_env = dict(os.environ)
    app_env.update(env or {})
    settings = {
        "DATABASE_URL": database_url,
        "GUNICORN_WORKERS": workers,
        "GUNICORN_THREADS": threads,
    }
    app_env.update({name: str(value) for name, value in settings.items() if value})
    # Local stacks listen on loopback only, whatever HOST the caller has set.
    app_env["HOST"] = LOOPBACK
    app_env["PYTHONUNBUFFERED"] = "1"
    return app_env


def gunicorn_command(module):
    """Return the gunicorn command line that serves `module`, as in the Dockerfile."""
    return [str(find_gunicorn()), *GUNICORN_OPTIONS, module]


def find_gunicorn():
    """Return the gunicorn next to this Python, or the one on PATH."""
    beside = Path(sys.executable).parent / "gunicorn"
    if beside.exists():
        return beside
    found = shutil.which("gunicorn")
    if not found:
        raise StackError("gunicorn is not installed: run `make setup` and try again.")
    return Path(found)


def start_app(service, label, port, app_env, runtime_dir):
    """Start one gunicorn replica of `service` on `port`."""
    command = gunicorn_command(service.module)
    log_path = runtime_dir / f"{label}.log"
    popen = spawn(command, {**app_env, "PORT": str(port)}, log_path)
    logger.info("started %s on port %d (pid %d)", label, port, popen.pid)
    return Process(service.name, label, port, popen, log_path, "/readyz")


def start_gateway(plan, runtime_dir):
    """Render the gateway config and start nginx in front of the apps."""
    nginx = find_nginx()
    nginx_dir = runtime_dir / "nginx"
    config_path = write_nginx_config(nginx_dir, plan)
    command = [str(nginx), "-p", str(nginx_dir), "-c", str(config_path), "-e", "stderr"]
    log_path = runtime_dir / "gateway-0.log"
    popen = spawn(command, dict(os.environ), log_path)
    logger.info("started gateway-0 on port %d (pid %d)", plan["front"], popen.pid)
    return Process("gateway", "gateway-0", plan["front"], popen, log_path, "/healthz")


def spawn(command, process_env, log_path):
    """Start `command` in its own process group, its output going to `log_path`."""
    with open(log_path, "wb") as log_file:
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=process_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own group lets stop_processes signal the master and its workers
            # together, and keeps the terminal's Ctrl-C away from them.
            start_new_session=True,
            preexec_fn=exit_with_parent if sys.platform == "linux" else None,
        )


def exit_with_parent():
    """Ask Linux to send SIGTERM to this child if the runner dies without cleanup."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def find_nginx():
    """Return the nginx binary from PATH or the usual sbin folders."""
    found = shutil.which("nginx")
    if found:
        return Path(found)
    for folder in NGINX_DIRS:
        candidate = Path(folder) / "nginx"
        if candidate.exists():
            return candidate
    raise StackError(
        f"nginx is not installed, and the microservices need it as their gateway: "
        f"run `{NGINX_INSTALL_COMMAND}` (or `make setup`) and try again."
    )


def render_gateway(listen, upstreams):
    """Fill the gateway template's placeholders, leaving nginx's own variables alone.

    `upstreams` maps each service name to its list of "host:port" addresses.
    """
    values = {"GATEWAY_LISTEN": listen}
    for service in MICROSERVICES:
        lines = [f"server {address};" for address in upstreams[service.name]]
        values[service.placeholder] = "\n    ".join(lines)

    def substitute(match):
        name = match.group(1)
        if name not in values:
            raise StackError(f"Unknown placeholder ${{{name}}} in {GATEWAY_TEMPLATE}.")
        return values[name]

    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", substitute, GATEWAY_TEMPLATE.read_text())


def write_nginx_config(nginx_dir, plan):
    """Write a complete nginx.conf that includes the rendered gateway template."""
    temp_dir = nginx_dir / "temp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    upstreams = {}
    for service, _label, port in plan["apps"]:
        upstreams.setdefault(service.name, []).append(f"{LOOPBACK}:{port}")
    gateway_path = nginx_dir / "gateway.conf"
    gateway_path.write_text(render_gateway(f"{LOOPBACK}:{plan['front']}", upstreams))

    config_path = nginx_dir / "nginx.conf"
    config_path.write_text(
        NGINX_MAIN_CONFIG.format(
            user=nginx_user_directive(),
            pid=nginx_dir / "nginx.pid",
            temp=temp_dir,
            gateway=gateway_path,
        )
    )
    return config_path


def nginx_user_directive():
    """Keep nginx workers under the current user even when the runner runs as root."""
    if os.geteuid() != 0:
        return ""  # an unprivileged master cannot switch users anyway
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    return f"user {user} {group};"


# The outer config the official nginx image would provide; the gateway template
# is included at http level, as the image includes /etc/nginx/conf.d/*.conf.
NGINX_MAIN_CONFIG = """\
# Written by prslab.runner for a local stack; edit the template instead.
{user}
daemon off;
worker_processes 1;
# Each proxied request uses a client and an upstream connection, so 2000 JMeter
# users need more than nginx's default of 1024 worker connections.
worker_rlimit_nofile 16384;
pid {pid};
error_log stderr notice;

events {{
    worker_connections 8192;
}}

http {{
    default_type application/octet-stream;
    keepalive_timeout 65s;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

    include {gateway};
}}
"""


def wait_until_ready(processes, timeout):
    """Poll each process's health path until it returns 200, or raise StackError."""
    deadline = time.monotonic() + timeout
    for process in processes:
        while True:
            if process.popen.poll() is not None:
                raise StackError(
                    f"{process.label} exited with status {process.popen.returncode} "
                    "before it was ready.",
                    describe_log(process),
                    process.log_path,
                )
            status = probe(process)
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise StackError(
                    f"{process.label} was not ready within {timeout:.0f} s "
                    f"(last answer from {process.ready_path}: {status}).",
                    describe_log(process),
                    process.log_path,
                )
            time.sleep(0.2)


def probe(process):
    """Return the status of a GET on the process's health path, or the error text."""
    url = f"http://{LOOPBACK}:{process.port}{process.ready_path}"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError) as error:
        return f"no answer ({getattr(error, 'reason', error)})"


def describe_log(process):
    """Return the last lines of a process's log, headed by its path."""
    try:
        with open(process.log_path, errors="replace") as log_file:
            tail = "".join(deque(log_file, maxlen=LOG_TAIL_LINES))
    except OSError as error:
        return f"(its log {process.log_path} could not be read: {error})"
    return f"Last lines of {process.log_path}:\n{tail}"


def stop_processes(processes, timeout):
    """Send SIGTERM to each process group, and SIGKILL to what is left after it."""
    for process in reversed(processes):
        signal_group(process, signal.SIGTERM)

    deadline = time.monotonic() + timeout
    for process in reversed(processes):
        remaining = max(deadline - time.monotonic(), 0)
        try:
            process.popen.wait(remaining)
        except subprocess.TimeoutExpired:
            logger.warning(
                "%s did not stop within %.0f s: killing it", process.label, timeout
            )
        # Workers can outlive their master, so the whole group is killed either way.
        signal_group(process, signal.SIGKILL)
        process.popen.wait()
        logger.info("stopped %s (pid %d)", process.label, process.popen.pid)


def signal_group(process, signum):
    """Send `signum` to the process group that `process` leads, if any is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signum)


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Turn SIGTERM into KeyboardInterrupt, so a terminated runner still cleans up."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signal handling alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def prepare_database(database_url=None):
    """Create the schema, and seed it unless it already contains the catalogue."""
    for step in (["init-db"], ["seed", "--if-empty"]):
        output = run_prs_command(step, database_url)
        logger.info("prs %s: %s", " ".join(step), output.strip())


def run_prs_command(arguments, database_url=None):
    """Run a `prs` database command on `database_url` and return its output."""
    command_env = dict(os.environ)
    if database_url:
        command_env["DATABASE_URL"] = database_url
    command = [str(Path(sys.executable).parent / "prs"), *arguments]
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=command_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        output = f"{result.stdout}{result.stderr}"
        lines = output.strip().splitlines() or ["(no output)"]
        raise StackError(
            f"`prs {' '.join(arguments)}` failed with status {result.returncode}: "
            f"{lines[-1]}",
            output,
        )
    return result.stdout
