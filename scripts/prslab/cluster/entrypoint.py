"""Find where a release takes traffic: an Ingress host or a NodePort on a node."""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from kubernetes import client

from prslab.cluster import COMPONENT_LABEL, INSTANCE_LABEL, ClusterError

logger = logging.getLogger(__name__)

# The Service that takes the load test's traffic, by chart.
ENTRY_COMPONENTS = {"monolith": "monolith", "microservices": "gateway"}
# Node addresses in the order a client outside the cluster should try them.
ADDRESS_TYPES = ("ExternalIP", "InternalIP")
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"


@dataclass(frozen=True)
class EntryPoint:
    """The URL for a load test from outside the cluster, and the one from inside."""

    url: str
    in_cluster_url: str
    source: str  # "ingress", "nodeport" or "loadbalancer", with the object's name

    @property
    def protocol(self):
        """Return the URL scheme, http or https."""
        return urlsplit(self.url).scheme

    @property
    def host(self):
        """Return the URL host."""
        return urlsplit(self.url).hostname

    @property
    def port(self):
        """Return the URL port, with the scheme's default when the URL has none."""
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)


def find_entry_point(api_client, namespace, release, chart):
    """Return the EntryPoint of a release, preferring an Ingress host."""
    service = find_entry_service(api_client, namespace, release, chart)
    port = http_port(service)
    name = service.metadata.name
    in_cluster_url = f"http://{name}.{namespace}.svc:{port.port}"

    ingress_url = find_ingress_url(api_client, namespace, release)
    if ingress_url:
        return EntryPoint(ingress_url, in_cluster_url, "ingress")

    balancer = load_balancer_address(service)
    if balancer:
        url = f"http://{balancer}:{port.port}"
        return EntryPoint(url, in_cluster_url, f"loadbalancer {name}")

    if not port.node_port:
        raise ClusterError(
            f"Service {namespace}/{name} is of type {service.spec.type} with no "
            "NodePort and the release has no Ingress, so nothing outside the cluster "
            "can reach it; install with --set gateway.service.type=NodePort (or the "
            "chart's equivalent) or enable the Ingress, or use --in-cluster"
        )
    address = find_node_address(api_client)
    url = f"http://{address}:{port.node_port}"
    return EntryPoint(url, in_cluster_url, f"nodeport {name}")


def find_entry_service(api_client, namespace, release, chart):
    """Return the release's Service that fronts the app (gateway or monolith)."""
    component = ENTRY_COMPONENTS[chart]
    selector = f"{INSTANCE_LABEL}={release},{COMPONENT_LABEL}={component}"
    services = client.CoreV1Api(api_client).list_namespaced_service(
        namespace, label_selector=selector
    )
    if not services.items:
        raise ClusterError(
            f"no Service labelled {selector} in namespace {namespace}; check the "
            f"release name and namespace (helm list -n {namespace})"
        )
    return services.items[0]


def http_port(service):
    """Return the Service port named http, else its first port."""
    ports = service.spec.ports or []
    if not ports:
        raise ClusterError(f"Service {service.metadata.name} has no port")
    named = [port for port in ports if port.name == "http"]
    return (named or ports)[0]


def load_balancer_address(service):
    """Return the load balancer IP or host name of a LoadBalancer Service, if any."""
    if service.spec.type != "LoadBalancer" or not service.status:
        return None
    balancer = service.status.load_balancer
    for ingress in (balancer.ingress if balancer else None) or []:
        if ingress.ip or ingress.hostname:
            return ingress.ip or ingress.hostname
    return None


def find_ingress_url(api_client, namespace, release):
    """Return the URL of the release's first Ingress rule with a host, if any."""
    ingresses = client.NetworkingV1Api(api_client).list_namespaced_ingress(
        namespace, label_selector=f"{INSTANCE_LABEL}={release}"
    )
    for ingress in ingresses.items:
        tls_hosts = {host for tls in ingress.spec.tls or [] for host in tls.hosts or []}
        for rule in ingress.spec.rules or []:
            if rule.host:
                scheme = "https" if rule.host in tls_hosts else "http"
                return f"{scheme}://{rule.host}"
    return None


def find_node_address(api_client):
    """Return an address of a Ready node, preferring workers and external IPs."""
    nodes = client.CoreV1Api(api_client).list_node().items
    ready = [node for node in nodes if node_is_ready(node)]
    if not ready:
        raise ClusterError(
            f"no node is Ready ({len(nodes)} listed); check kubectl get nodes"
        )
    # Workers first: a class's control-plane node may be firewalled off.
    ready.sort(key=lambda node: (is_control_plane(node), node.metadata.name))
    for address_type in ADDRESS_TYPES:
        for node in ready:
            address = node_address(node, address_type)
            if address:
                logger.info("Entry node %s at %s", node.metadata.name, address)
                return address
    raise ClusterError("no Ready node reports an ExternalIP or InternalIP address")


def node_address(node, address_type):
    """Return the node's first address of one type, or None."""
    for address in node.status.addresses or []:
        if address.type == address_type:
            return address.address
    return None


def node_is_ready(node):
    """Return True when the node's Ready condition is True."""
    conditions = (node.status.conditions if node.status else None) or []
    return any(c.type == "Ready" and c.status == "True" for c in conditions)


def is_control_plane(node):
    """Return True for a node labelled as a control-plane node."""
    return CONTROL_PLANE_LABEL in (node.metadata.labels or {})
