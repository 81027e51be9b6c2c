"""Fixtures for the tests that need the local kwok control plane (make kube-up)."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.cluster.cluster_helpers import Kube, find_chart_helm

REPO_ROOT = Path(__file__).resolve().parents[2]
KUBE_DIR = REPO_ROOT / "scripts" / "kube"
HOW_TO_RUN = (
    "the local Kubernetes control plane is not running; run `make test-cluster` "
    "(builds it with Go 1.26+ on first use, then starts it, tests and stops it), "
    "or `make kube-up` and then `pytest -m cluster tests/cluster`"
)


def read_versions():
    """Return the pinned component versions from scripts/kube/versions.env."""
    versions = {}
    for line in (KUBE_DIR / "versions.env").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            versions[name.strip()] = value.strip()
    return versions


def kube_cache():
    """Return the folder where scripts/kube/build.sh keeps the binaries."""
    if os.environ.get("PRSLAB_KUBE_CACHE"):
        return Path(os.environ["PRSLAB_KUBE_CACHE"])
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "prslab" / "kube"


def locate_cluster():
    """Return (kubeconfig, kubectl) of the local cluster, or None when it is not up."""
    runtime = Path(os.environ.get("PRSLAB_KUBE_RUNTIME", REPO_ROOT / "var" / "kube"))
    kubeconfig = Path(os.environ.get("PRSLAB_KUBECONFIG", runtime / "kubeconfig"))
    version = read_versions()["KUBE_VERSION"]
    kubectl = kube_cache() / f"kubernetes-{version}" / "bin" / "kubectl"
    if not (kubeconfig.is_file() and kubectl.is_file()):
        return None

    probe = subprocess.run(
        [kubectl, "--kubeconfig", kubeconfig, "get", "--raw", "/readyz"],
        capture_output=True,
        timeout=20,
        check=False,
    )
    return (kubeconfig, kubectl) if probe.returncode == 0 else None


def pytest_collection_modifyitems(config, items):
    """Mark every test here as `cluster` and skip them all when no cluster is up."""
    tests_dir = Path(__file__).parent
    ours = [item for item in items if tests_dir in Path(item.fspath).parents]
    for item in ours:
        item.add_marker(pytest.mark.cluster)
    if ours and locate_cluster() is None:
        skip = pytest.mark.skip(reason=HOW_TO_RUN)
        for item in ours:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def kube():
    """Return a client of the running local cluster."""
    located = locate_cluster()
    if located is None:
        pytest.skip(HOW_TO_RUN)
    kubeconfig, kubectl = located
    return Kube(kubeconfig=kubeconfig, kubectl=kubectl, helm=find_chart_helm())


@pytest.fixture
def namespace(kube):
    """Create a namespace of its own for one test and delete it afterwards."""
    name = f"prs-test-{uuid.uuid4().hex[:8]}"
    kube.kubectl("create", "namespace", name)
    yield name
    kube.kubectl("delete", "namespace", name, "--wait=false", check=False)
