"""Find the external tools (JMeter, helm, kubectl), fetching them when missing."""

import os
import shutil
from pathlib import Path

from prslab import REPO_ROOT

# Fetched tools live here, outside version control; PRSLAB_TOOLS_DIR overrides it.
TOOLS_DIR = Path(os.environ.get("PRSLAB_TOOLS_DIR", REPO_ROOT / "tools"))


class ToolError(RuntimeError):
    """A tool is missing and could not be fetched; the message names the fix."""


def which(name):
    """Return the path of `name` on PATH, or None."""
    found = shutil.which(name)
    return Path(found) if found else None


def __getattr__(name):
    """Load the finders on first use, since their modules import this one."""
    if name == "find_jmeter":
        from prslab.tools.jmeter import find_jmeter

        return find_jmeter
    if name in ("find_helm", "find_kubectl"):
        from prslab.tools import helm

        return getattr(helm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
