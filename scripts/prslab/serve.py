"""The `prslab serve` command: one topology on 127.0.0.1 until Ctrl-C."""

import os
import sys
import time

from prslab.runner import (
    GATEWAY_PORT,
    MAX_REPLICAS,
    MONOLITH,
    TOPOLOGIES,
    StackError,
    plan_ports,
    prepare_database,
    run_stack,
)


def register(subparsers):
    """Add the `serve` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="serve a topology on 127.0.0.1 until Ctrl-C",
        description=(
            "Start the monolith, or the five microservices behind nginx, as local "
            "processes. The database is created and seeded on first start."
        ),
    )
    parser.add_argument("topology", choices=TOPOLOGIES)
    parser.add_argument(
        "--port",
        type=int,
        help=f"port of the monolith or the gateway (default {MONOLITH.base_port} "
        f"or {GATEWAY_PORT})",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help=f"processes per microservice, 1 to {MAX_REPLICAS}, each on its own port",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="SQLAlchemy URL of the database (default: DATABASE_URL, else "
        "var/prs.sqlite3)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers per process")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker")
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for every process to become ready (default 60)",
    )
    parser.set_defaults(func=serve)


def serve(args):
    """Serve a topology until Ctrl-C, printing one error line if it fails."""
    try:
        return serve_stack(args)
    except StackError as error:
        print(f"prslab serve: error: {describe_error(error)}", file=sys.stderr)
        return 1


def serve_stack(args):
    """Prepare the database, start the stack and block until Ctrl-C."""
    # Reject bad options and busy ports before seeding, which takes a while.
    try:
        plan_ports(args.topology, args.port, args.replicas, free_ports=False)
    except ValueError as error:
        raise StackError(str(error)) from None

    prepare_database(args.database_url)
    options = {
        "workers": args.workers,
        "threads": args.threads,
        "ready_timeout": args.ready_timeout,
    }
    with run_stack(
        args.topology, args.port, args.replicas, args.database_url, **options
    ) as stack:
        print(
            f"PRS {args.topology} is serving at {stack.url} (logs in "
            f"{stack.runtime_dir}). Press Ctrl-C to stop.",
            flush=True,
        )
        while (process := stack.exited()) is None:
            time.sleep(1)
        raise StackError(
            f"{process.label} exited with status {process.popen.returncode}.",
            log_path=process.log_path,
        )


def describe_error(error):
    """Return the one-line cause of a failed start, naming the log to read."""
    if error.log_path is None:
        return error.summary
    return f"{error.summary} See its log: {error.log_path}"
