"""Check that every command in docs/lab.md exists in the repository."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from prslab import REPO_ROOT

GUIDE = REPO_ROOT / "docs" / "lab.md"
PRSLAB = Path(sys.executable).parent / "prslab"
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def guide_commands():
    """Return the command lines of the guide's sh code blocks, without comments."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = []
    for block in SHELL_BLOCK.findall(text):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def commands_starting(word):
    """Return the guide's command lines that start with a word."""
    return [line for line in guide_commands() if line.split()[0] == word]


def test_guide_has_each_kind_of_command():
    words = {line.split()[0] for line in guide_commands()}

    for word in ("make", "prslab", "ansible-playbook", "scripts/build-images.sh"):
        assert word in words


@pytest.mark.parametrize("line", commands_starting("prslab"))
def test_prslab_subcommand_exists(line):
    subcommand = shlex.split(line)[1]
    result = subprocess.run(
        [str(PRSLAB), subcommand, "--help"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, f"{line}: {result.stderr}"


@pytest.mark.parametrize("line", commands_starting("prslab"))
def test_prslab_options_exist(line):
    words = shlex.split(line.replace("<", "").replace(">", ""))
    result = subprocess.run(
        [str(PRSLAB), words[1], "--help"], capture_output=True, text=True, timeout=60
    )

    for word in words[2:]:
        if word.startswith("--"):
            assert word in result.stdout, f"{line}: {word} is not an option"


@pytest.mark.parametrize("line", commands_starting("make"))
def test_make_target_exists(line):
    target = line.split()[1]
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")

    assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), line


@pytest.mark.parametrize("line", commands_starting("scripts/build-images.sh"))
def test_build_images_line_parses(line):
    words = shlex.split(line)
    result = subprocess.run(
        ["bash", str(REPO_ROOT / words[0]), *words[1:], "--dry-run"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, f"{line}: {result.stderr}"


def test_ansible_files_exist():
    ansible_dir = REPO_ROOT / "scripts" / "ansible"

    assert commands_starting("ansible-playbook")
    assert (ansible_dir / "site.yml").is_file()
    assert (ansible_dir / "inventory.example.ini").is_file()
    assert (ansible_dir / "group_vars" / "all.yml").is_file()
