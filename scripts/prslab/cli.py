"""Dispatch the `prslab` subcommands to the modules that implement them."""

import argparse
import importlib
import logging
import sys

# Each module exposes register(subparsers), which adds its subcommands and sets
# `func` on them.
COMMAND_MODULES = [
    "prslab.serve",
    "prslab.tools.cli",
    "prslab.compare_local",
    "prslab.bench",
    "prslab.report",
    "prslab.cluster.cli",
]


def build_parser():
    """Build the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="prslab",
        description="Run, load-test and report on the PRS monolith and microservices.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv=None):
    """Run one subcommand and return its exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
