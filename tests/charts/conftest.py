"""Fixtures that render the charts with the real helm binary."""

import subprocess
from pathlib import Path

import pytest
import yaml

from prslab.tools import ToolError
from prslab.tools.helm import find_helm

HELM_DIR = Path(__file__).resolve().parents[2] / "helm"
CHARTS = ("monolith", "microservices")
PRESETS = ("values-single.yaml", "values-autoscaled.yaml")
RELEASE = "prs"
NAMESPACE = "prs-lab"


@pytest.fixture(scope="session")
def helm():
    """Return the path of the helm binary, fetching it when PATH has none."""
    try:
        return find_helm()
    except ToolError as error:
        pytest.skip(str(error))


def helm_template(helm, chart, values_files=(), settings=()):
    """Run `helm template` on a chart and return the completed process."""
    command = [str(helm), "template", RELEASE, str(HELM_DIR / chart)]
    command += ["--namespace", NAMESPACE]
    for name in values_files:
        command += ["--values", str(HELM_DIR / chart / name)]
    for setting in settings:
        command += ["--set", setting]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def render(helm):
    """Return a function that renders a chart into a list of objects."""

    def render_chart(chart, values_files=(), settings=()):
        result = helm_template(helm, chart, values_files, settings)
        assert result.returncode == 0, result.stderr
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc]

    return render_chart


@pytest.fixture(scope="session")
def render_error(helm):
    """Return a function that renders a chart and returns helm's error output."""

    def render_failure(chart, values_files=(), settings=()):
        result = helm_template(helm, chart, values_files, settings)
        assert result.returncode != 0, "helm template accepted the values"
        return result.stderr

    return render_failure


def by_kind(objects, kind):
    """Return the objects of one kind, keyed by name."""
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def component(obj):
    """Return the app.kubernetes.io/component label of an object."""
    return obj["metadata"]["labels"]["app.kubernetes.io/component"]
