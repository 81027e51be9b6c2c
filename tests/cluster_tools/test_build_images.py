"""Argument handling of scripts/build-images.sh and the commands it would run."""

import subprocess

import pytest

from prslab import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "build-images.sh"


def run_script(*args):
    """Run the script with --dry-run semantics left to the caller."""
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=30
    )


def test_load_to_nodes_imports_into_containerd():
    result = run_script(
        "--load-to",
        "n1,n2",
        "--tag",
        "t1",
        "--tool",
        "docker",
        "--ssh-user",
        "lab",
        "--dry-run",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("docker build --tag prs-lab:t1 --file ")
    assert any(line.startswith("docker save --output ") for line in lines)
    for node in ("n1", "n2"):
        expected = (
            f"ssh lab@{node} sudo ctr -n k8s.io images import /tmp/prs-lab-image.tar"
        )
        assert expected in lines
    assert lines[-1] == (
        "--set image.repository=prs-lab --set image.tag=t1 --set image.pullPolicy=Never"
    )


def test_registry_push_prints_values():
    result = run_script(
        "--registry",
        "registry.lab.test:5000/prs/",
        "--tag",
        "t2",
        "--tool",
        "podman",
        "--dry-run",
    )

    assert result.returncode == 0, result.stderr
    assert "podman push registry.lab.test:5000/prs/prs-lab:t2" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "--set image.repository=registry.lab.test:5000/prs/prs-lab "
        "--set image.tag=t2 --set image.pullPolicy=IfNotPresent"
    )


def test_podman_load_uses_docker_io_name():
    result = run_script(
        "--load-to", "n1", "--tag", "t3", "--tool", "podman", "--dry-run"
    )

    assert "podman build --tag docker.io/library/prs-lab:t3" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "missing target"),
        (("--registry", "r/p", "--load-to", "n1"), "either --registry or --load-to"),
        (("--load-to", "n1", "--tool", "buildah"), "invalid --tool buildah"),
        (("--frobnicate",), "unknown option --frobnicate"),
        (("--tag",), "--tag needs a value"),
    ],
)
def test_bad_arguments_are_rejected(args, message):
    result = run_script(*args, "--dry-run") if args != ("--tag",) else run_script(*args)

    assert result.returncode == 2
    assert message in result.stderr
