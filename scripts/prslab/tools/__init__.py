"""Find the external tools (JMeter, helm, kubectl), fetching them when missing."""

import os
import shutil
from pathlib import Path

from prslab import REPO_ROOT

# Fetched tools live here, outside version control; PRSLAB_TOOLS_DIR overrides it.
TOOLS_DIR = Path(os.environ.get("PRSLAB_TOOLS_DIR", REPO_ROOT / "tools"))


class ToolError(RuntimeError):
    """A tool is missing and could not be fetched; the message says what to do."""


def which(name):
    """Return the path of `name` on PATH, or None."""
    found = shutil.which(name)
    return Path(found) if found else None
