"""Check the kubeadm playbook with ansible-playbook and ansible-lint, offline."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prslab import REPO_ROOT

ANSIBLE_DIR = REPO_ROOT / "scripts" / "ansible"
VENV_BIN = Path(sys.executable).parent


def ansible_tool(name):
    """Return the path of an Ansible command from this venv or PATH, else skip."""
    found = VENV_BIN / name
    if found.is_file():
        return str(found)
    on_path = shutil.which(name)
    if not on_path:
        pytest.skip(f"{name} is not installed; run make setup")
    return on_path


def run_tool(command, home):
    """Run a command in the Ansible folder with a private HOME, returning the result."""
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
    }
    return subprocess.run(
        command, cwd=ANSIBLE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_playbook_passes_syntax_check(tmp_path):
    command = [
        ansible_tool("ansible-playbook"),
        "--syntax-check",
        "-i",
        "inventory.example.ini",
        "site.yml",
    ]
    result = run_tool(command, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_playbook_passes_ansible_lint(tmp_path):
    result = run_tool([ansible_tool("ansible-lint"), "--nocolor"], tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr


def test_example_inventory_has_three_nodes(tmp_path):
    command = [
        ansible_tool("ansible-inventory"),
        "-i",
        "inventory.example.ini",
        "--graph",
        "cluster",
    ]
    result = run_tool(command, tmp_path)

    assert result.returncode == 0, result.stderr
    for host in ("cp1", "worker1", "worker2"):
        assert host in result.stdout
