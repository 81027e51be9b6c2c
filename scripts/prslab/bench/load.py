"""Drive HTTP load at a local URL with wrk, or with a bounded Python client."""

import http.client
import logging
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class LoadResult:
    """Throughput and latency of one load run."""

    tool: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


def check_loopback(url):
    """Raise ValueError unless the URL aims at this machine's loopback interface."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"{url}: rejected, only 127.0.0.1 or ::1 targets are allowed")


def run_load(url, seconds, connections, threads=2):
    """Load the URL for a bounded time with wrk when installed, else with Python."""
    check_loopback(url)
    wrk = shutil.which("wrk")
    if wrk:
        return run_wrk(wrk, url, seconds, connections, threads)
    logger.warning("wrk is not installed (apt-get install -y wrk): using Python client")
    return run_python(url, seconds, connections)


def run_wrk(wrk, url, seconds, connections, threads):
    """Run wrk with latency percentiles and parse its report."""
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        url,
    ]
    logger.debug("running %s", " ".join(command))
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    return parse_wrk(output)


def to_ms(value, unit):
    """Convert a wrk duration such as 1.52ms or 830.00us to milliseconds."""
    return float(value) * UNITS_MS[unit]


def parse_wrk(output):
    """Parse wrk's --latency report into a LoadResult."""
    percentiles = {
        int(p): to_ms(v, u)
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    requests = int(re.search(r"(\d+) requests in", output)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])

    errors = 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors[1]))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx[1])
    return LoadResult("wrk", requests, errors, rps, percentiles[50], percentiles[99])


def run_python(url, seconds, connections):
    """Send requests from `connections` threads over keep-alive until time is up."""
    parts = urlsplit(url)
    path = parts.path or "/"
    deadline = time.monotonic() + seconds
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += not ok
        connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started

    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return LoadResult(
        "python",
        len(latencies),
        errors[0],
        len(latencies) / elapsed,
        cuts[49],
        cuts[98],
    )
