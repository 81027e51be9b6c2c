"""A fake Kubernetes API server on 127.0.0.1 that serves fixture responses."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from kubernetes import client

NAMESPACE = "prs"
RELEASE = "prs"
METRICS_PODS = f"/apis/metrics.k8s.io/v1beta1/namespaces/{NAMESPACE}/pods"
PODS = f"/api/v1/namespaces/{NAMESPACE}/pods"
DEPLOYMENTS = f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments"
HPAS = f"/apis/autoscaling/v2/namespaces/{NAMESPACE}/horizontalpodautoscalers"
SERVICES = f"/api/v1/namespaces/{NAMESPACE}/services"
INGRESSES = f"/apis/networking.k8s.io/v1/namespaces/{NAMESPACE}/ingresses"
NODES = "/api/v1/nodes"
METRICS_GROUP = "/apis/metrics.k8s.io/v1beta1"


class FakeApi:
    """Fixture responses by path, with scripted failures per path."""

    def __init__(self):
        self.responses = {}
        self.failures = {}  # path -> list of statuses to return before succeeding
        self.requests = []

    def set(self, path, body, status=200):
        """Serve body with status on GET path."""
        self.responses[path] = (status, body)

    def fail(self, path, *statuses):
        """Return these error statuses for the next requests of path, in order."""
        self.failures.setdefault(path, []).extend(statuses)

    def respond(self, path):
        """Return (status, body) for a request path."""
        self.requests.append(path)
        pending = self.failures.get(path)
        if pending:
            status = pending.pop(0)
            return status, status_body(status)
        return self.responses.get(path, (404, status_body(404)))


def status_body(code):
    """Return a metav1 Status body like the API server's error responses."""
    reasons = {404: "NotFound", 500: "InternalError", 503: "ServiceUnavailable"}
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": reasons.get(code, "Unknown"),
        "code": code,
        "message": f"fixture error {code}",
    }


def make_handler(api):
    """Return a request handler class bound to one FakeApi."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server hook name)
            status, body = api.respond(urlsplit(self.path).path)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def fake_api():
    """Start a FakeApi server on a free 127.0.0.1 port and stop it after the test."""
    api = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(api))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield api
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def api_client(fake_api):
    """Return a real kubernetes ApiClient aimed at the fake server."""
    configuration = client.Configuration()
    configuration.host = fake_api.url
    with client.ApiClient(configuration) as api:
        yield api


def labels(component):
    """Return the chart's labels for one service."""
    return {
        "app.kubernetes.io/instance": RELEASE,
        "app.kubernetes.io/name": "prs",
        "app.kubernetes.io/component": component,
    }


def pod(name, component, node, ready=True, phase="Running"):
    """Return a core v1 Pod."""
    return {
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels(component)},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "prs-lab"}]},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def pod_metrics(name, component, cpu, memory):
    """Return a metrics.k8s.io/v1beta1 PodMetrics item."""
    return {
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "labels": labels(component),
            "creationTimestamp": "2026-01-05T10:00:00Z",
        },
        "timestamp": "2026-01-05T10:00:00Z",
        "window": "15s",
        "containers": [{"name": "app", "usage": {"cpu": cpu, "memory": memory}}],
    }


def deployment(component, replicas, available):
    """Return an apps/v1 Deployment."""
    return {
        "metadata": {
            "name": f"prs-{component}",
            "namespace": NAMESPACE,
            "labels": labels(component),
            "generation": 1,
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels(component)},
            "template": {
                "metadata": {"labels": labels(component)},
                "spec": {"containers": [{"name": "app", "image": "prs-lab"}]},
            },
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": available,
            "availableReplicas": available,
        },
    }


def hpa(component, current, desired, utilization):
    """Return an autoscaling/v2 HorizontalPodAutoscaler."""
    return {
        "metadata": {"name": f"prs-{component}", "labels": labels(component)},
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": f"prs-{component}",
            },
            "minReplicas": 1,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 50},
                    },
                }
            ],
        },
        "status": {
            "currentReplicas": current,
            "desiredReplicas": desired,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {
                            "averageUtilization": utilization,
                            "averageValue": "250m",
                        },
                    },
                }
            ],
        },
    }


def node(name, internal_ip, external_ip=None, control_plane=False, ready=True):
    """Return a core v1 Node."""
    node_labels = {"kubernetes.io/hostname": name}
    if control_plane:
        node_labels["node-role.kubernetes.io/control-plane"] = ""
    addresses = [{"type": "InternalIP", "address": internal_ip}]
    if external_ip:
        addresses.append({"type": "ExternalIP", "address": external_ip})
    addresses.append({"type": "Hostname", "address": name})
    return {
        "metadata": {"name": name, "labels": node_labels},
        "status": {
            "addresses": addresses,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def service(component, service_type="NodePort", node_port=30080):
    """Return a core v1 Service for one component."""
    port = {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    if service_type in ("NodePort", "LoadBalancer"):
        port["nodePort"] = node_port
    return {
        "metadata": {"name": f"prs-{component}", "labels": labels(component)},
        "spec": {"type": service_type, "ports": [port], "selector": labels(component)},
    }


def listing(kind, items, api_version="v1"):
    """Return a List object of the given kind."""
    return {
        "kind": kind,
        "apiVersion": api_version,
        "metadata": {"resourceVersion": "1"},
        "items": items,
    }


def serve_autoscaled_cluster(api):
    """Serve an autoscaled microservices release: HPA'd add-selection, plain gateway."""
    api.set(
        METRICS_GROUP,
        {
            "kind": "APIResourceList",
            "groupVersion": "metrics.k8s.io/v1beta1",
            "resources": [
                {
                    "name": "pods",
                    "namespaced": True,
                    "kind": "PodMetrics",
                    "singularName": "",
                    "verbs": ["get", "list"],
                }
            ],
        },
    )
    api.set(
        PODS,
        listing(
            "PodList",
            [
                pod("prs-add-selection-a", "add-selection", "worker1"),
                pod("prs-add-selection-b", "add-selection", "worker2"),
                pod("prs-add-selection-c", "add-selection", "worker2", ready=False),
                pod("prs-gateway-a", "gateway", "worker1"),
                pod("prs-seed-x", "database-job", "worker1", phase="Succeeded"),
            ],
        ),
    )
    api.set(
        METRICS_PODS,
        listing(
            "PodMetricsList",
            [
                pod_metrics("prs-add-selection-a", "add-selection", "250m", "512Ki"),
                pod_metrics("prs-add-selection-b", "add-selection", "11122600n", "1Gi"),
                pod_metrics("prs-gateway-a", "gateway", "1", "64Mi"),
            ],
            api_version="metrics.k8s.io/v1beta1",
        ),
    )
    api.set(
        DEPLOYMENTS,
        listing(
            "DeploymentList",
            [deployment("add-selection", 3, 2), deployment("gateway", 1, 1)],
            api_version="apps/v1",
        ),
    )
    api.set(
        HPAS,
        listing(
            "HorizontalPodAutoscalerList",
            [hpa("add-selection", 3, 4, 72)],
            api_version="autoscaling/v2",
        ),
    )
