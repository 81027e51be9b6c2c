"""Lint both charts strictly with each lab preset."""

import subprocess
import tarfile

import pytest

from tests.charts.conftest import CHARTS, HELM_DIR, PRESETS

pytestmark = pytest.mark.charts


@pytest.mark.parametrize("preset", (None, *PRESETS))
@pytest.mark.parametrize("chart", CHARTS)
def test_chart_lints_strictly(helm, chart, preset):
    command = [str(helm), "lint", "--strict", str(HELM_DIR / chart)]
    if preset:
        command += ["--values", str(HELM_DIR / chart / preset)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("chart", CHARTS)
def test_chart_installs_without_dependency_build(helm, chart):
    # A client-side dry run loads the chart as `helm install` does, so the
    # vendored library chart must resolve from the checkout alone.
    command = [
        str(helm),
        "install",
        "prs",
        str(HELM_DIR / chart),
        "--dry-run=client",
        "--namespace",
        "prs-lab",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "NOTES:" in result.stdout
    assert "bzt jmeter/prs.yml" in result.stdout


@pytest.mark.parametrize("chart", CHARTS)
def test_library_chart_is_symlinked(chart):
    vendored = HELM_DIR / chart / "charts" / "prs-common"
    assert vendored.is_symlink()
    assert vendored.resolve() == (HELM_DIR / "prs-common").resolve()


@pytest.mark.parametrize("chart", CHARTS)
def test_package_includes_vendored_files(helm, chart, tmp_path):
    command = [str(helm), "package", str(HELM_DIR / chart), "-d", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    (archive,) = tmp_path.glob(f"{chart}-*.tgz")
    with tarfile.open(archive) as package:
        names = set(package.getnames())
        assert f"{chart}/charts/prs-common/templates/_app.tpl" in names
        if chart == "microservices":
            member = package.extractfile(f"{chart}/files/nginx.conf.template")
            template = HELM_DIR.parent / "microservices/gateway/nginx.conf.template"
            assert member.read() == template.read_bytes()
