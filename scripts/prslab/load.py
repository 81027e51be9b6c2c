"""Run the JMeter plan through Taurus against one target and keep its artifacts."""

import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from prslab import REPO_ROOT

logger = logging.getLogger(__name__)

TAURUS_CONFIG = REPO_ROOT / "jmeter" / "prs.yml"
SCENARIOS = ("session", "classes", "exams", "add", "validate", "drop", "all")
# bzt exits with 3 when pass/fail criteria failed but the test itself ran.
CRITERIA_FAILED = 3
OUTPUT_TAIL_LINES = 25


class LoadError(RuntimeError):
    """Taurus failed before producing results; the message has its output tail."""


@dataclass(frozen=True)
class LoadOptions:
    """The load shape and target of one Taurus run."""

    url: str
    scenario: str = "session"
    users: int = 10
    ramp_up_s: int = 10
    duration_s: int = 60  # including the ramp-up
    think_time_ms: int = 500
    tokens: Path | None = None  # None lets prs.yml issue its own


@dataclass(frozen=True)
class LoadResult:
    """The artifacts of a finished Taurus run."""

    artifacts_dir: Path
    exit_code: int

    @property
    def criteria_failed(self):
        """Return True when the pass/fail criteria of prs.yml failed."""
        return self.exit_code == CRITERIA_FAILED

    @property
    def kpi_jtl(self):
        """Return the path of JMeter's CSV results."""
        return self.artifacts_dir / "kpi.jtl"


def find_bzt():
    """Return the bzt executable beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "bzt"
    if beside.is_file():
        return beside
    on_path = shutil.which("bzt")
    if on_path is None:
        raise LoadError("bzt (Taurus) is not installed; run `make setup`.")
    return Path(on_path)


def taurus_command(options, artifacts_dir, jmeter, extra_configs=()):
    """Build the bzt command line that applies `options` to prs.yml."""
    target = urlsplit(options.url)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise ValueError(
            f"url must look like http://127.0.0.1:8000, not {options.url!r}"
        )
    port = target.port or (443 if target.scheme == "https" else 80)

    overrides = {
        "settings.artifacts-dir": artifacts_dir,
        "settings.env.PRS_JMETER": jmeter,
        "scenarios.prs.properties.protocol": target.scheme,
        "scenarios.prs.properties.host": target.hostname,
        "scenarios.prs.properties.port": port,
        "scenarios.prs.properties.scenario": options.scenario,
        "scenarios.prs.properties.users": options.users,
        "scenarios.prs.properties.ramp-up": options.ramp_up_s,
        "scenarios.prs.properties.duration": options.duration_s,
        "scenarios.prs.properties.think-time": options.think_time_ms,
    }
    if options.tokens is not None:
        overrides["settings.env.PRS_TOKENS"] = Path(options.tokens).resolve()

    command = [str(find_bzt()), str(TAURUS_CONFIG), *map(str, extra_configs)]
    for key, value in overrides.items():
        command += ["-o", f"{key}={value}"]
    return command


def run_load(options, artifacts_dir, jmeter, extra_configs=()):
    """Run Taurus with `options`, writing its artifacts into `artifacts_dir`."""
    artifacts_dir = Path(artifacts_dir).resolve()
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    command = taurus_command(options, artifacts_dir, jmeter, extra_configs)
    output_path = artifacts_dir / "bzt.out"
    logger.debug("Running %s", " ".join(command))

    # Taurus resolves tools/ and .venv/ paths in prs.yml from the repository root.
    with output_path.open("w", encoding="utf-8") as output:
        completed = subprocess.run(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )

    result = LoadResult(artifacts_dir, completed.returncode)
    if completed.returncode not in (0, CRITERIA_FAILED) or not result.kpi_jtl.is_file():
        raise LoadError(
            f"bzt exited with status {completed.returncode} and "
            f"{'wrote' if result.kpi_jtl.is_file() else 'did not write'} kpi.jtl. "
            f"Last lines of {output_path}:\n{tail(output_path)}"
        )
    if result.criteria_failed:
        logger.warning("Pass/fail criteria failed; see %s", artifacts_dir / "junit.xml")
    return result


def tail(path, lines=OUTPUT_TAIL_LINES):
    """Return the last lines of a text file."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])
