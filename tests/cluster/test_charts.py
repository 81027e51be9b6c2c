"""Install, upgrade and uninstall each chart and preset on the local kwok cluster.

kwok runs no container: its stages only move each pod through its phases, so these
tests show what the API server, the controllers and Helm do with the charts, never
what the apps inside the pods do.
"""

import json

import pytest

from tests.cluster.cluster_helpers import (
    COMPONENT_LABEL,
    INSTANCE_LABEL,
    REPO_ROOT,
    SimulatedLoad,
    settle,
    wait_until,
)

RELEASE = "prs"
CHARTS = ("monolith", "microservices")
PRESETS = ("single", "autoscaled")
# Objects that every namespace has whatever is installed in it.
NAMESPACE_DEFAULTS = {("ServiceAccount", "default"), ("ConfigMap", "kube-root-ca.crt")}
# A total CPU above the HPA's target of 50% of a 100m request, so that it adds pods.
SCALE_UP_MILLICORES = 150
# Polls in a row with an unchanged replica count that make a count the HPA's choice.
STABLE_POLLS = 5


def chart_args(chart, preset):
    """Return the chart path and the values file of one preset."""
    chart_dir = REPO_ROOT / "helm" / chart
    if not (chart_dir / "Chart.yaml").is_file():
        pytest.fail(f"helm/{chart}/Chart.yaml is missing")
    return [str(chart_dir), "-f", str(chart_dir / f"values-{preset}.yaml")]


def install(kube, namespace, chart, preset, *extra):
    """Install the release and wait for its objects and hooks."""
    kube.helm(
        "install",
        RELEASE,
        *chart_args(chart, preset),
        "-n",
        namespace,
        "--wait",
        "--timeout",
        "5m",
        *extra,
    )


def deployments(kube, namespace):
    """Return the release's Deployments by service name."""
    found = kube.get(
        "deployments", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}"
    )
    return {d["metadata"]["labels"][COMPONENT_LABEL]: d for d in found}


def replica_counts(kube, namespace):
    """Return spec.replicas of each of the release's Deployments."""
    return {
        name: d["spec"]["replicas"] for name, d in deployments(kube, namespace).items()
    }


def wait_for_stable_scale_up(kube, namespace, service, timeout=240):
    """Wait until the HPA has added pods to `service` and keeps their count."""
    history = []

    def stable_above_one():
        history.append(replica_counts(kube, namespace)[service])
        recent = history[-STABLE_POLLS:]
        return len(recent) == STABLE_POLLS and len(set(recent)) == 1 and recent[0] > 1

    try:
        wait_until(f"the HPA to scale {service} up", stable_above_one, timeout)
    except AssertionError as error:
        raise AssertionError(f"{error}; replicas seen: {history}") from None


def secret_data(kube, namespace):
    """Return the data of the release's Secrets, by Secret name."""
    secrets = kube.get("secrets", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}")
    return {
        s["metadata"]["name"]: s.get("data", {})
        for s in secrets
        if s["type"] != "helm.sh/release.v1"
    }


def ready_endpoints(kube, namespace, service):
    """Return the number of ready endpoints behind one Service."""
    slices = kube.get(
        "endpointslices", "-n", namespace, "-l", f"kubernetes.io/service-name={service}"
    )
    return sum(
        1
        for endpoint_slice in slices
        for endpoint in endpoint_slice.get("endpoints") or []
        if endpoint.get("conditions", {}).get("ready")
    )


def completed_jobs(kube, namespace):
    """Return the names of the Jobs whose controller reported them complete."""
    events = kube.get(
        "events",
        "-n",
        namespace,
        "--field-selector",
        "involvedObject.kind=Job,reason=Completed",
    )
    return {event["involvedObject"]["name"] for event in events}


def leftover_objects(kube, namespace):
    """Return (kind, name) of each object in the namespace that is not a default."""
    kinds = kube.kubectl("api-resources", "--verbs=list", "--namespaced", "-o", "name")
    kinds = [k for k in kinds.split() if k not in ("events", "events.events.k8s.io")]
    listed = json.loads(
        kube.kubectl(
            "get", ",".join(kinds), "-n", namespace, "-o", "json", "--ignore-not-found"
        )
    )
    found = {(item["kind"], item["metadata"]["name"]) for item in listed["items"]}
    return found - NAMESPACE_DEFAULTS


@pytest.fixture(
    params=[(c, p) for c in CHARTS for p in PRESETS],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def installed(request, kube, namespace):
    """Install one chart with one preset and return (chart, preset, namespace)."""
    chart, preset = request.param
    install(kube, namespace, chart, preset)
    return chart, preset, namespace


def test_install_waits_for_everything(kube, installed):
    chart, preset, namespace = installed

    status = json.loads(kube.helm("status", RELEASE, "-n", namespace, "-o", "json"))
    assert status["info"]["status"] == "deployed"

    hooks = kube.helm("get", "hooks", RELEASE, "-n", namespace)
    assert "kind: Job" in hooks
    assert completed_jobs(kube, namespace), "no hook Job reported completion"

    found = deployments(kube, namespace)
    assert found, f"{chart} created no Deployment"
    for name, deployment in found.items():
        status = deployment["status"]
        assert status.get("availableReplicas") == deployment["spec"]["replicas"], name

    services = kube.get(
        "services", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}"
    )
    assert services
    for service in services:
        name = service["metadata"]["name"]
        assert ready_endpoints(kube, namespace, name) >= 1, f"{name} has no endpoint"

    hpas = kube.get("hpa", "-n", namespace, "-l", f"{INSTANCE_LABEL}={RELEASE}")
    if preset == "autoscaled":
        targets = {h["spec"]["scaleTargetRef"]["name"] for h in hpas}
        app_deployments = {
            d["metadata"]["name"] for n, d in found.items() if n != "gateway"
        }
        assert targets == app_deployments
    else:
        assert hpas == []


def test_upgrade_keeps_replicas_and_secrets(kube, installed):
    chart, preset, namespace = installed
    first = next(name for name in deployments(kube, namespace) if name != "gateway")
    secrets_before = secret_data(kube, namespace)
    assert secrets_before, "the release has no Secret"

    with SimulatedLoad(kube, namespace, first) as load:
        if preset == "autoscaled":
            load.set_total(SCALE_UP_MILLICORES)
            wait_for_stable_scale_up(kube, namespace, first)
        replicas_before = replica_counts(kube, namespace)

        kube.helm(
            "upgrade",
            RELEASE,
            *chart_args(chart, preset),
            "-n",
            namespace,
            "--set",
            "image.tag=upgrade-test",
            "--wait",
            "--timeout",
            "5m",
        )
        replicas_after = replica_counts(kube, namespace)

    assert replicas_after == replicas_before
    assert secret_data(kube, namespace) == secrets_before
    images = {
        container["image"]
        for deployment in deployments(kube, namespace).values()
        for container in deployment["spec"]["template"]["spec"]["containers"]
        if not container["image"].startswith("nginx")
    }
    assert images and all(image.endswith(":upgrade-test") for image in images)


def test_uninstall_leaves_nothing(kube, installed):
    _, _, namespace = installed

    kube.helm("uninstall", RELEASE, "-n", namespace, "--wait", "--timeout", "3m")

    # The garbage collector deletes ReplicaSets and pods shortly after their owners.
    leftovers = settle(lambda: leftover_objects(kube, namespace), timeout=60)
    assert leftovers == set()
