"""The `prslab tools` command: print the path of each requested tool."""

import importlib
import logging
import sys

from prslab.tools import ToolError

logger = logging.getLogger(__name__)

# Tool name -> (module, function); modules are imported only when requested.
FINDERS = {
    # provide_jmeter also leaves tools/jmeter/bin/jmeter, which jmeter/prs.yml runs.
    "jmeter": ("prslab.tools.jmeter", "provide_jmeter"),
    "helm": ("prslab.tools.helm", "find_helm"),
    "kubectl": ("prslab.tools.helm", "find_kubectl"),
}


def register(subparsers):
    """Add the `tools` subcommand."""
    parser = subparsers.add_parser(
        "tools",
        help="print the path of JMeter, helm or kubectl, fetching it into tools/",
        description=(
            "Print the path of each tool, one a line. A tool on PATH is used first; "
            "otherwise it is fetched into tools/ (with a message saying so). "
            "For JMeter, a copy installed by Taurus in ~/.bzt comes second, and "
            "tools/jmeter/bin/jmeter, which jmeter/prs.yml runs, links to the "
            "JMeter in use."
        ),
    )
    parser.add_argument(
        "names",
        nargs="+",
        choices=sorted(FINDERS),
        metavar="TOOL",
        help="jmeter, helm or kubectl",
    )
    parser.set_defaults(func=run)


def run(args):
    """Find every requested tool, print its path and return the exit status."""
    status = 0
    for name in args.names:
        module_name, function_name = FINDERS[name]
        finder = getattr(importlib.import_module(module_name), function_name)
        try:
            print(finder())
        except ToolError as error:
            logger.error("%s: %s", name, error)
            status = 1
    sys.stdout.flush()
    return status
