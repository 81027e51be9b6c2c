"""Drive one service's simulated CPU up and down and watch the HPAs respond.

The microservices chart runs with the autoscaled preset and short stabilization
windows. metrics-server reads the usage that kwok derives from each pod's annotation,
and the HPA controller of the real kube-controller-manager scales the Deployments.
"""

import csv
import json
import logging
import time
import uuid
from datetime import datetime

import pytest
import yaml
from kubernetes import config as kube_config

from prslab.cluster.sampler import Recorder, Sampler
from prslab.report import build_report
from tests.cluster.cluster_helpers import (
    COMPONENT_LABEL,
    INSTANCE_LABEL,
    REPO_ROOT,
    SimulatedLoad,
    wait_until,
)

logger = logging.getLogger(__name__)

RELEASE = "prs"
SERVICE = "add-selection"
MIN_REPLICAS = 1
MAX_REPLICAS = 10
# Far above 10 pods x 50% of a 100m request, so the HPA requests more than the maximum.
HIGH_MILLICORES = 3000
# Windows of seconds instead of minutes, so one episode fits in a test run.
SHORT_BEHAVIOR = {
    "scaleUp": {
        "stabilizationWindowSeconds": 0,
        "policies": [{"type": "Percent", "value": 200, "periodSeconds": 5}],
    },
    "scaleDown": {
        "stabilizationWindowSeconds": 10,
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 5}],
    },
}
EPISODE_TIMEOUT = 240
SAMPLE_INTERVAL = 2.0
RUN_LABEL = "microservices"


@pytest.fixture(scope="module")
def autoscaled(kube, tmp_path_factory):
    """Install the microservices chart with the autoscaled preset and short windows."""
    namespace = f"prs-autoscaler-{uuid.uuid4().hex[:8]}"
    kube.kubectl("create", "namespace", namespace)
    chart = REPO_ROOT / "helm" / "microservices"
    overrides = tmp_path_factory.mktemp("values") / "short-windows.yaml"
    overrides.write_text(
        yaml.safe_dump(
            {"serviceDefaults": {"autoscaling": {"behavior": SHORT_BEHAVIOR}}}
        )
    )
    kube.helm(
        "install",
        RELEASE,
        str(chart),
        "-f",
        str(chart / "values-autoscaled.yaml"),
        "-f",
        str(overrides),
        "-n",
        namespace,
        "--wait",
        "--timeout",
        "5m",
    )
    # A new HPA reports 0 current replicas until its first sync with a CPU reading.
    wait_until(
        "every HPA to read CPU from metrics.k8s.io",
        lambda: all_hpas_measured(kube, namespace),
        timeout=120,
    )
    yield namespace
    kube.kubectl("delete", "namespace", namespace, "--wait=false", check=False)


def all_hpas_measured(kube, namespace):
    """Return True once every HPA of the release reports replicas and a CPU metric."""
    hpas = kube.get("hpa", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}")
    return bool(hpas) and all(
        hpa.get("status", {}).get("currentReplicas") == MIN_REPLICAS
        and hpa["status"].get("currentMetrics")
        for hpa in hpas
    )


def hpa_replicas(kube, namespace):
    """Return (current, desired) replicas of each HPA of the release, by service."""
    hpas = kube.get("hpa", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}")
    return {
        hpa["metadata"]["labels"][COMPONENT_LABEL]: (
            hpa.get("status", {}).get("currentReplicas"),
            hpa.get("status", {}).get("desiredReplicas"),
        )
        for hpa in hpas
    }


class Episode:
    """Record every service's HPA replicas while waiting for one service's target."""

    def __init__(self, kube, namespace):
        self.kube = kube
        self.namespace = namespace
        self.history = []  # (seconds since start, {service: (current, desired)})
        self.started = time.monotonic()

    def wait_for(self, service, replicas, timeout=EPISODE_TIMEOUT):
        """Poll the HPAs until `service` runs `replicas` pods; return the seconds."""
        begun = time.monotonic()
        while time.monotonic() - begun < timeout:
            counts = hpa_replicas(self.kube, self.namespace)
            self.history.append((round(time.monotonic() - self.started), counts))
            if counts.get(service) == (replicas, replicas):
                return time.monotonic() - begun
            time.sleep(3)
        raise AssertionError(
            f"{service} did not reach {replicas} replicas in {timeout} s; last HPA "
            f"states: {json.dumps(self.history[-5:])}"
        )

    def peak(self, service):
        """Return the highest replica count recorded for one service."""
        return max(counts[service][0] or 0 for _, counts in self.history)


@pytest.fixture(scope="module")
def result_dir():
    """Return a new results/<timestamp>-kwok/ folder, kept for reading the report."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = REPO_ROOT / "results" / f"{stamp}-kwok"
    (path / RUN_LABEL).mkdir(parents=True)
    return path


def recorded_replicas(path):
    """Return each service's current_replicas column from replicas.csv, in order."""
    columns = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["current_replicas"]:
                columns.setdefault(row["service"], []).append(
                    int(row["current_replicas"])
                )
    return columns


def peak_cpu_by_service(path):
    """Return the highest per-pod CPU reading of each service in resources.csv."""
    peaks = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cpu_millicores"]:
                value = float(row["cpu_millicores"])
                peaks[row["service"]] = max(peaks.get(row["service"], 0.0), value)
    return peaks


def write_run_json(result_dir, started, ended):
    """Describe the episode in run.json, as the cluster runner does."""
    info = {
        "options": {
            "chart": "microservices",
            "preset": "autoscaled",
            "cluster": "kwok",
            "load": "simulated pod CPU, no traffic",
        },
        "started": started,
        "ended": ended,
        "runs": [{"label": RUN_LABEL, "topology": "microservices"}],
    }
    (result_dir / "run.json").write_text(json.dumps(info, indent=2))


@pytest.fixture(scope="module")
def episode(kube, autoscaled, result_dir):
    """Raise and lower one service's CPU while the cluster-run sampler records it."""
    namespace = autoscaled
    recorded = Episode(kube, namespace)
    api_client = kube_config.new_client_from_config(config_file=str(kube.kubeconfig))
    recorded.sampler = Sampler(api_client, namespace, RELEASE)
    run_dir = result_dir / RUN_LABEL
    started = datetime.now().isoformat(timespec="seconds")

    with (
        Recorder(
            recorded.sampler,
            run_dir / "resources.csv",
            run_dir / "replicas.csv",
            SAMPLE_INTERVAL,
        ),
        SimulatedLoad(kube, namespace, SERVICE) as load,
    ):
        time.sleep(3 * SAMPLE_INTERVAL)
        load.set_total(HIGH_MILLICORES)
        up = recorded.wait_for(SERVICE, MAX_REPLICAS)
        load.set_total(0)
        down = recorded.wait_for(SERVICE, MIN_REPLICAS)
        time.sleep(3 * SAMPLE_INTERVAL)

    write_run_json(result_dir, started, datetime.now().isoformat(timespec="seconds"))
    logger.info(
        "%s: 1 -> %d in %.0f s, back to 1 in %.0f s (results in %s)",
        SERVICE,
        MAX_REPLICAS,
        up,
        down,
        result_dir,
    )
    return recorded


def test_one_service_scales_alone(episode):
    others = [name for name in episode.history[0][1] if name != SERVICE]
    assert len(others) == 4

    assert episode.peak(SERVICE) == MAX_REPLICAS
    assert episode.history[-1][1][SERVICE] == (MIN_REPLICAS, MIN_REPLICAS)
    for name in others:
        assert episode.peak(name) == MIN_REPLICAS, name


def test_sampler_records_rise_and_fall(episode, result_dir):
    run_dir = result_dir / RUN_LABEL

    recorded = recorded_replicas(run_dir / "replicas.csv")
    assert recorded[SERVICE][0] == MIN_REPLICAS
    assert max(recorded[SERVICE]) == MAX_REPLICAS
    assert recorded[SERVICE][-1] == MIN_REPLICAS
    # The gateway has no HPA, so the sampler reads its replicas from the Deployment.
    others = [name for name in recorded if name != SERVICE]
    assert set(others) == set(episode.history[0][1]) - {SERVICE} | {"gateway"}
    for name in others:
        assert set(recorded[name]) == {MIN_REPLICAS}, name

    # metrics.k8s.io needs two scrapes of a pod for a rate, so the last pods added may
    # go without a reading before the scale-down removes them.
    peaks = peak_cpu_by_service(run_dir / "resources.csv")
    assert peaks[SERVICE] > HIGH_MILLICORES / MAX_REPLICAS / 2
    for name in others:
        assert peaks.get(name, 0) < 10, name
    assert episode.sampler.summary()["failed_polls_by_source"] == {}


def test_report_shows_replicas(episode, result_dir):
    build_report(result_dir)

    assert (result_dir / "report.md").is_file()
    assert list((result_dir / "plots").glob("replicas-*.png"))
