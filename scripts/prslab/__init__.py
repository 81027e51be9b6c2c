"""Lab tooling for PRS: run the stacks, load-test them and report the results."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
