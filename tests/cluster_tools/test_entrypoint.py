"""Entry-point discovery and Deployment waits against the fixture server."""

import pytest

from prslab.cluster import ClusterError, job, release
from prslab.cluster.entrypoint import find_entry_point
from tests.cluster_tools.conftest import (
    DEPLOYMENTS,
    INGRESSES,
    NAMESPACE,
    NODES,
    PODS,
    RELEASE,
    SERVICES,
    deployment,
    listing,
    node,
    pod,
    service,
)


def serve_nodes(api, *nodes):
    """Serve a NodeList."""
    api.set(NODES, listing("NodeList", list(nodes)))


def serve_services(api, *services):
    """Serve a ServiceList and an empty IngressList."""
    api.set(SERVICES, listing("ServiceList", list(services)))
    ingresses = listing("IngressList", [], api_version="networking.k8s.io/v1")
    api.set(INGRESSES, ingresses)


def test_nodeport_on_worker_internal_ip(fake_api, api_client):
    serve_services(fake_api, service("gateway", node_port=30080))
    serve_nodes(
        fake_api,
        node("cp1", "10.0.0.10", control_plane=True),
        node("worker1", "10.0.0.11", ready=False),
        node("worker2", "10.0.0.12"),
    )

    entry = find_entry_point(api_client, NAMESPACE, RELEASE, "microservices")

    assert entry.url == "http://10.0.0.12:30080"
    assert entry.in_cluster_url == "http://prs-gateway.prs.svc:80"
    assert entry.source == "nodeport prs-gateway"
    assert entry.port == 30080


def test_nodeport_prefers_external_ip(fake_api, api_client):
    serve_services(fake_api, service("monolith", node_port=31000))
    serve_nodes(
        fake_api,
        node("worker1", "10.0.0.11"),
        node("worker2", "10.0.0.12", external_ip="203.0.113.7"),
    )

    entry = find_entry_point(api_client, NAMESPACE, RELEASE, "monolith")

    assert entry.url == "http://203.0.113.7:31000"


def test_ingress_host_wins_over_nodeport(fake_api, api_client):
    serve_services(fake_api, service("gateway"))
    ingress = {
        "metadata": {"name": "prs", "labels": {"app.kubernetes.io/instance": RELEASE}},
        "spec": {
            "tls": [{"hosts": ["prs.lab.test"], "secretName": "prs-tls"}],
            "rules": [{"host": "prs.lab.test"}],
        },
    }
    fake_api.set(
        INGRESSES, listing("IngressList", [ingress], api_version="networking.k8s.io/v1")
    )

    entry = find_entry_point(api_client, NAMESPACE, RELEASE, "microservices")

    assert entry.url == "https://prs.lab.test"
    assert entry.port == 443


def test_cluster_ip_service_is_rejected(fake_api, api_client):
    serve_services(fake_api, service("gateway", service_type="ClusterIP"))

    with pytest.raises(ClusterError, match="no NodePort"):
        find_entry_point(api_client, NAMESPACE, RELEASE, "microservices")


def test_missing_service_names_selector(fake_api, api_client):
    serve_services(fake_api)

    with pytest.raises(ClusterError, match="component=gateway"):
        find_entry_point(api_client, NAMESPACE, RELEASE, "microservices")


def test_wait_names_unavailable_deployment(fake_api, api_client):
    stuck = deployment("add-selection", 1, 0)
    stuck["status"]["conditions"] = [
        {
            "type": "Available",
            "status": "False",
            "reason": "MinimumReplicasUnavailable",
            "message": "Deployment does not have minimum availability.",
        }
    ]
    fake_api.set(
        DEPLOYMENTS,
        listing("DeploymentList", [stuck, deployment("gateway", 1, 1)], "apps/v1"),
    )
    waiting = pod("prs-add-selection-a", "add-selection", "worker1", ready=False)
    waiting["status"]["containerStatuses"] = [
        {
            "name": "app",
            "image": "prs-lab:missing",
            "imageID": "",
            "ready": False,
            "restartCount": 0,
            "state": {
                "waiting": {
                    "reason": "ImagePullBackOff",
                    "message": 'Back-off pulling image "prs-lab:missing"',
                }
            },
        }
    ]
    fake_api.set(PODS, listing("PodList", [waiting]))

    with pytest.raises(ClusterError) as raised:
        release.wait_for_deployments(
            api_client, NAMESPACE, RELEASE, timeout=0.2, interval=0.1
        )

    message = str(raised.value)
    assert "prs-add-selection: 0/1 available" in message
    assert "MinimumReplicasUnavailable" in message
    assert "ImagePullBackOff" in message
    assert "prs-gateway" not in message


def test_wait_returns_when_all_available(fake_api, api_client):
    fake_api.set(
        DEPLOYMENTS,
        listing("DeploymentList", [deployment("gateway", 2, 2)], "apps/v1"),
    )

    names = release.wait_for_deployments(api_client, NAMESPACE, RELEASE, timeout=5)

    assert names == ["prs-gateway"]


def test_helm_command_uses_preset_values(tmp_path):
    command = release.helm_command(
        "helm",
        "microservices",
        "autoscaled",
        "prs",
        "prs",
        kubeconfig=tmp_path / "kubeconfig",
        sets=["image.tag=abc"],
    )

    assert command[1:4] == ["upgrade", "--install", "prs"]
    assert (
        str(release.CHARTS_DIR / "microservices" / "values-autoscaled.yaml") in command
    )
    assert command[command.index("--set") + 1] == "image.tag=abc"
    assert command[command.index("--kubeconfig") + 1] == str(tmp_path / "kubeconfig")


def test_job_runs_plan_with_properties():
    properties = {"host": "prs-gateway.prs.svc", "port": 80, "users": 5}
    manifest = job.build_job("prs-loadtest", "jmeter:5.5", properties)

    container = manifest["spec"]["template"]["spec"]["containers"][0]
    script = container["command"][2]
    assert container["image"] == "jmeter:5.5"
    assert "-t /plan/prs.jmx" in script
    assert "-Jhost=prs-gateway.prs.svc" in script
    assert "-Jusers=5" in script
    assert job.EXIT_MARKER in script
    assert manifest["spec"]["backoffLimit"] == 0
    assert "app.kubernetes.io/instance" not in manifest["metadata"]["labels"]
