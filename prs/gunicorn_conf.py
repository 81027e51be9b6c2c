"""Gunicorn settings read from the environment.

The local runner, the container image and the Helm charts all start the apps with
`gunicorn --config python:prs.gunicorn_conf <module>:app`, so this module is the
single place where the serving options live.
"""

import os


class ConfigError(ValueError):
    """An environment variable has a value that gunicorn cannot use."""


def read_int(name, default, minimum, maximum=None):
    """Read an integer setting from the environment, rejecting bad values by name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default

    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}.") from None

    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, got {value}.")
    return value


def read_bind():
    """Build the bind address from HOST and PORT."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    port = read_int("PORT", 8000, minimum=1, maximum=65535)

    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal such as ::1
    return f"{host}:{port}"


bind = read_bind()
worker_class = "gthread"
workers = read_int("GUNICORN_WORKERS", 2, minimum=1)
threads = read_int("GUNICORN_THREADS", 4, minimum=1)
# Zero would disable the worker timeout in gunicorn, which hides hung workers.
timeout = read_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = read_int("GUNICORN_GRACEFUL_TIMEOUT", 10, minimum=0)
# Longer than the gateway's upstream keepalive_timeout (30 s), so that nginx, not
# gunicorn, closes idle connections and never reuses one that gunicorn just closed.
keepalive = read_int("GUNICORN_KEEPALIVE", 65, minimum=1)

# Above the gateway's large_client_header_buffers (8 KiB a line), so every request
# that nginx passes on reaches Flask, which returns JSON errors. 8190 is gunicorn's
# own maximum for the request line. A request beyond these limits sent straight to
# a gunicorn app gets gunicorn's HTML error page, and only the gateway returns JSON.
limit_request_line = read_int(
    "GUNICORN_LIMIT_REQUEST_LINE", 8190, minimum=1, maximum=8190
)
limit_request_field_size = read_int(
    "GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 16384, minimum=1
)
# NOTE: gunicorn also rejects more than 100 header fields with an HTML 400, and
# nginx does not count header fields, so such a request gets HTML on both
# topologies. Raising this limit would let one direct request hold far more memory.

# The heartbeat files go to memory: container images mount the root filesystem
# read-only, and a disk-backed /tmp can stall the heartbeat.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Every instance would share one default socket path in $HOME, and containers have
# no writable home, so the runtime control interface (gunicornc) stays off.
control_socket_disable = True

accesslog = "-"  # stdout
errorlog = "-"  # stderr
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(M)s is the request duration in milliseconds. The request id is the
# X-Request-ID response header: the gateway's id, or one the app made up.
access_log_format = (
    'method=%(m)s path="%(U)s" status=%(s)s duration_ms=%(M)s '
    "request_id=%({x-request-id}o)s"
)
