"""Measure the stack's ceiling against both topologies' class schedule: `prslab bench`.

One run starts, in turn, a bare Flask app, the monolith and the microservices behind
nginx on free 127.0.0.1 ports. It loads each with wrk (or a Python client when wrk is
missing) while it records peak RSS per process, then stops it and prints the ratios.
"""

import contextlib
import json
import logging
import tempfile
from dataclasses import asdict
from pathlib import Path

from prslab import runner
from prslab.bench.load import run_load
from prslab.bench.memory import PeakRss

logger = logging.getLogger(__name__)

BARE_APP = runner.Service("bare-flask", "prslab.bench.bare_app:app", 0)
TARGETS = (
    ("bare Flask", "bare", "/"),
    ("monolith", "monolith", "/api/classes"),
    ("microservices", "microservices", "/api/classes"),
)
# Minimum ratios: monolith over bare Flask, and microservices over the monolith.
RATIO_TARGETS = {"monolith/bare": 0.5, "microservices/monolith": 0.8}


@contextlib.contextmanager
def run_bare_app(runtime_dir):
    """Serve the bare Flask app with the stack's gunicorn command on a free port."""
    (port,) = runner.reserve_ports([0])
    app_env = runner.build_app_env(None, None, None, None)
    process = runner.start_app(BARE_APP, "bare-flask-0", port, app_env, runtime_dir)
    try:
        runner.wait_until_ready([process], timeout=30)
        yield (
            f"http://{runner.LOOPBACK}:{port}",
            {BARE_APP.name: [(process.label, process.popen.pid)]},
        )
    finally:
        runner.stop_processes([process], timeout=15)


@contextlib.contextmanager
def start_target(kind, runtime_dir, database_url):
    """Start one target and yield (base URL, {service: [(label, root pid)]})."""
    if kind == "bare":
        with run_bare_app(runtime_dir) as started:
            yield started
        return

    with runner.run_stack(
        kind,
        port=0,
        free_ports=True,
        database_url=database_url,
        runtime_dir=runtime_dir / kind,
    ) as stack:
        yield stack.url, stack.processes


def measure(kind, path, options, runtime_dir, database_url):
    """Warm up, then load one target and return its figures and peak RSS rows."""
    with start_target(kind, runtime_dir, database_url) as (url, processes):
        target = url + path
        run_load(target, options.warmup, options.connections)
        with PeakRss(processes) as memory:
            result = run_load(target, options.seconds, options.connections)
    logger.info("%s: %.0f req/s, p99 %.1f ms", kind, result.rps, result.p99_ms)
    return result, memory.rows()


def ratios(results):
    """Return the measured ratios next to their targets."""
    measured = {
        "monolith/bare": results["monolith"].rps / results["bare"].rps,
        "microservices/monolith": results["microservices"].rps
        / results["monolith"].rps,
    }
    return {
        name: {
            "ratio": value,
            "target": RATIO_TARGETS[name],
            "met": value >= RATIO_TARGETS[name],
        }
        for name, value in measured.items()
    }


def print_figures(results, memory, checks, options):
    """Print throughput, latency, ratios and peak RSS in compact tables."""
    tool = next(iter(results.values())).tool
    print(f"{tool}, {options.connections} connections, {options.seconds} s per target")
    print(
        f"{'target':<16}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}"
        f"{'p99 ms':>9}"
    )
    for title, kind, _ in TARGETS:
        r = results[kind]
        print(
            f"{title:<16}{r.requests:>10}{r.errors:>8}{r.rps:>10.0f}{r.p50_ms:>9.2f}"
            f"{r.p99_ms:>9.2f}"
        )

    print()
    for name, check in checks.items():
        verdict = "met" if check["met"] else "MISSED"
        target = f"target >= {check['target']:.2f}"
        print(f"{name:<24}{check['ratio']:>6.2f}  {target}  {verdict}")

    print()
    print(f"{'target':<16}{'process':<44}{'pid':>8}{'peak RSS MiB':>14}")
    for title, kind, _ in TARGETS:
        for _service, process, pid, mib in memory[kind]:
            print(f"{title:<16}{process[:43]:<44}{pid:>8}{mib:>14.1f}")


def run_bench(args):
    """Run every target once and print (and optionally save) the figures."""
    results, memory = {}, {}
    with tempfile.TemporaryDirectory(prefix="prslab-bench-") as scratch:
        runtime_dir = Path(scratch)
        # A private database, so the bench never touches var/prs.sqlite3 of other runs.
        database_url = args.database_url or f"sqlite:///{runtime_dir}/bench.sqlite3"
        runner.prepare_database(database_url)
        for _title, kind, path in TARGETS:
            results[kind], memory[kind] = measure(
                kind, path, args, runtime_dir, database_url
            )

    checks = ratios(results)
    print_figures(results, memory, checks, args)
    if args.json:
        payload = {
            "results": {kind: asdict(result) for kind, result in results.items()},
            "ratios": checks,
            "peak_rss_mib": {kind: rows for kind, rows in memory.items()},
            "options": {"seconds": args.seconds, "connections": args.connections},
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0 if all(check["met"] for check in checks.values()) else 3


def register(subparsers):
    """Add the `bench` subcommand."""
    bench = subparsers.add_parser(
        "bench",
        help="measure bare Flask, the monolith and the microservices on this host",
    )
    bench.add_argument(
        "--seconds",
        type=int,
        default=10,
        help="measured load per target, in seconds (default 10)",
    )
    bench.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="unmeasured load before each measurement, in seconds (default 2)",
    )
    bench.add_argument(
        "--connections",
        type=int,
        default=16,
        help="concurrent keep-alive connections (default 16)",
    )
    bench.add_argument(
        "--database-url",
        help="database for both topologies (default: a temporary SQLite file)",
    )
    bench.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    bench.set_defaults(func=run_bench)
