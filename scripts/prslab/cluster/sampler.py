"""Sample pod CPU and memory, HPAs and pod counts through the Kubernetes API.

Every poll writes one resources.csv row per pod and one replicas.csv row per
service, even when an API call fails. A failed call leaves the measured columns of
its rows empty (empty means "not measured", never zero) and keeps the pods and
services known from earlier polls, so the timeline has no holes and each gap is
visible in the files as well as in the log.
"""

import csv
import logging
import threading
import time
from dataclasses import dataclass

import urllib3
from kubernetes import client
from kubernetes.utils import parse_quantity

from prslab.cluster import COMPONENT_LABEL, ClusterError, release_selector
from prslab.results import REPLICA_COLUMNS, RESOURCE_COLUMNS

logger = logging.getLogger(__name__)

METRICS_GROUP = "metrics.k8s.io"
METRICS_VERSION = "v1beta1"
INSTALL_METRICS_SERVER = (
    "install metrics-server (scripts/ansible does; or kubectl apply -f "
    "https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/"
    "components.yaml, adding --kubelet-insecure-tls on kubeadm clusters)"
)
# Errors that one poll survives: API errors (5xx, 429, 404 while metrics-server
# restarts), refused or reset connections and timeouts.
TRANSIENT_ERRORS = (client.ApiException, urllib3.exceptions.HTTPError, OSError)
MIB = 2**20


class MetricsApiMissing(ClusterError):
    """The cluster does not serve metrics.k8s.io, so pod CPU cannot be read."""


@dataclass
class PodState:
    """The last known state of one pod."""

    service: str
    node: str
    ready: bool


def cpu_millicores(quantity):
    """Convert a CPU quantity such as 250m, 11122600n or 1 to millicores."""
    return float(parse_quantity(quantity) * 1000)


def memory_mib(quantity):
    """Convert a memory quantity such as 512Ki or 1Gi to MiB."""
    return float(parse_quantity(quantity) / MIB)


def format_number(value, digits=3):
    """Format a measured value for CSV, or "" when it was not measured."""
    if value is None:
        return ""
    return f"{round(value, digits):g}"


def check_metrics_api(api_client):
    """Raise MetricsApiMissing unless the cluster serves metrics.k8s.io/v1beta1."""
    try:
        client.CustomObjectsApi(api_client).get_api_resources(
            METRICS_GROUP, METRICS_VERSION
        )
    except client.ApiException as error:
        if error.status == 404:
            raise MetricsApiMissing(
                f"the cluster does not serve {METRICS_GROUP}/{METRICS_VERSION}, so pod "
                f"CPU and the HPA have no data: {INSTALL_METRICS_SERVER}"
            ) from None
        raise ClusterError(
            f"reading {METRICS_GROUP}/{METRICS_VERSION} failed with HTTP "
            f"{error.status} {error.reason}; check that metrics-server is running "
            "(kubectl -n kube-system get pods -l k8s-app=metrics-server)"
        ) from None


class Sampler:
    """Poll one release's pods, pod metrics, Deployments and HPAs."""

    def __init__(self, api_client, namespace, release, timeout=10.0):
        self.namespace = namespace
        self.selector = release_selector(release)
        self.timeout = timeout
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)
        self.autoscaling = client.AutoscalingV2Api(api_client)
        self.custom = client.CustomObjectsApi(api_client)
        self.pods = {}  # pod name -> PodState, from the last poll that listed pods
        self.services = []  # service names, from the last poll that listed them
        self.polls = 0
        self.failures = {}  # source -> number of polls on which reading it failed

    def poll(self, now=None):
        """Read every source once and return (resource rows, replica rows)."""
        now = time.time() if now is None else now
        self.polls += 1

        pods = self._fetch("pods", self._list_pods)
        metrics = self._fetch("metrics", self._list_metrics)
        deployments = self._fetch("deployments", self._list_deployments)
        hpas = self._fetch("hpas", self._list_hpas)

        if pods is not None:
            self.pods = pods
        self._add_pods_from_metrics(metrics)
        resource_rows = self._resource_rows(now, metrics)
        replica_rows = self._replica_rows(now, deployments, hpas, pods)
        return resource_rows, replica_rows

    def summary(self):
        """Return the poll counts for run.json."""
        return {"polls": self.polls, "failed_polls_by_source": dict(self.failures)}

    def _fetch(self, source, read):
        """Call read(), returning None and logging when a transient error occurs."""
        try:
            return read()
        except TRANSIENT_ERRORS as error:
            self.failures[source] = self.failures.get(source, 0) + 1
            hint = ""
            if source == "metrics" and getattr(error, "status", None) == 404:
                hint = f"; {INSTALL_METRICS_SERVER}"
            logger.warning(
                "Poll %d: reading %s failed (%s); its columns are empty this poll%s",
                self.polls,
                source,
                describe_error(error),
                hint,
            )
            return None

    def _list_pods(self):
        """Return {pod name: PodState} for the release's running pods."""
        listing = self.core.list_namespaced_pod(
            self.namespace, label_selector=self.selector, _request_timeout=self.timeout
        )
        pods = {}
        for pod in listing.items:
            if (pod.status.phase if pod.status else None) != "Running":
                continue
            pods[pod.metadata.name] = PodState(
                service=(pod.metadata.labels or {}).get(COMPONENT_LABEL, ""),
                node=pod.spec.node_name or "",
                ready=is_ready(pod),
            )
        return pods

    def _list_metrics(self):
        """Return {pod name: (service, millicores, MiB)} from metrics.k8s.io."""
        listing = self.custom.list_namespaced_custom_object(
            METRICS_GROUP,
            METRICS_VERSION,
            self.namespace,
            "pods",
            label_selector=self.selector,
            _request_timeout=self.timeout,
        )
        usage = {}
        for item in listing.get("items", []):
            metadata = item.get("metadata", {})
            containers = item.get("containers", [])
            usage[metadata["name"]] = (
                metadata.get("labels", {}).get(COMPONENT_LABEL, ""),
                sum(cpu_millicores(c["usage"]["cpu"]) for c in containers),
                sum(memory_mib(c["usage"]["memory"]) for c in containers),
            )
        return usage

    def _list_deployments(self):
        """Return {service: Deployment} for the release's Deployments."""
        listing = self.apps.list_namespaced_deployment(
            self.namespace, label_selector=self.selector, _request_timeout=self.timeout
        )
        return {d.metadata.labels[COMPONENT_LABEL]: d for d in listing.items}

    def _list_hpas(self):
        """Return {service: HorizontalPodAutoscaler} for the release's HPAs."""
        listing = self.autoscaling.list_namespaced_horizontal_pod_autoscaler(
            self.namespace, label_selector=self.selector, _request_timeout=self.timeout
        )
        return {h.metadata.labels[COMPONENT_LABEL]: h for h in listing.items}

    def _add_pods_from_metrics(self, metrics):
        """Track pods that have metrics but were missing from the last pod list."""
        for name, (service, _cpu, _memory) in (metrics or {}).items():
            if name not in self.pods:
                self.pods[name] = PodState(service=service, node="", ready=False)

    def _resource_rows(self, now, metrics):
        """Return one row per known pod, with empty usage where none was read."""
        rows = []
        for name, state in sorted(self.pods.items()):
            usage = (metrics or {}).get(name)
            rows.append(
                {
                    "time": now,
                    "service": state.service,
                    "pod": name,
                    "node": state.node,
                    "cpu_millicores": usage[1] if usage else None,
                    "memory_mib": usage[2] if usage else None,
                }
            )
        return rows

    def _replica_rows(self, now, deployments, hpas, pods):
        """Return one row per known service from its HPA, Deployment and pods."""
        if deployments is not None:
            self.services = sorted(deployments)
        rows = []
        for service in self.services:
            deployment = (deployments or {}).get(service)
            hpa = (hpas or {}).get(service)
            current, desired = replica_counts(deployment, hpa)
            rows.append(
                {
                    "time": now,
                    "service": service,
                    "current_replicas": current,
                    "desired_replicas": desired,
                    "cpu_utilization_percent": cpu_utilization(hpa),
                    "ready_pods": ready_pods(service, pods, deployment),
                }
            )
        return rows


def describe_error(error):
    """Return a one-line description of an API or connection error."""
    if isinstance(error, client.ApiException):
        return f"HTTP {error.status} {error.reason}"
    return f"{type(error).__name__}: {error}"


def is_ready(pod):
    """Return True when the pod's Ready condition is True."""
    conditions = (pod.status.conditions if pod.status else None) or []
    return any(c.type == "Ready" and c.status == "True" for c in conditions)


def replica_counts(deployment, hpa):
    """Return (current, desired) replicas: the HPA's when it has a status."""
    if hpa is not None and hpa.status is not None:
        return hpa.status.current_replicas or 0, hpa.status.desired_replicas
    if deployment is not None:
        current = deployment.status.replicas if deployment.status else None
        return current or 0, deployment.spec.replicas
    return None, None


def cpu_utilization(hpa):
    """Return the HPA's current average CPU utilisation in percent, if it has one."""
    if hpa is None or hpa.status is None:
        return None
    for metric in hpa.status.current_metrics or []:
        resource = metric.resource
        if metric.type == "Resource" and resource and resource.name == "cpu":
            return resource.current.average_utilization
    return None


def ready_pods(service, pods, deployment):
    """Count the service's ready pods from this poll's pod list, or its Deployment."""
    if pods is not None:
        states = pods.values()
        return sum(1 for state in states if state.service == service and state.ready)
    if deployment is not None and deployment.status is not None:
        return deployment.status.ready_replicas or 0
    return None


class Recorder:
    """Poll a Sampler in a background thread and append its rows to CSV files."""

    def __init__(self, sampler, resources_path, replicas_path, interval):
        self.sampler = sampler
        self.paths = (resources_path, replicas_path)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._files = []
        self._writers = []

    def __enter__(self):
        tables = zip(self.paths, (RESOURCE_COLUMNS, REPLICA_COLUMNS), strict=True)
        for path, columns in tables:
            handle = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            self._files.append(handle)
            self._writers.append(writer)
        folder = self.paths[0].parent
        logger.info("Sampling every %.0f s into %s", self.interval, folder)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        for handle in self._files:
            handle.close()
        logger.info("Sampler stopped after %d polls", self.sampler.polls)

    def sample_once(self):
        """Poll once and write the rows, flushed so a crash keeps them."""
        resource_rows, replica_rows = self.sampler.poll()
        for writer, handle, rows in zip(
            self._writers, self._files, (resource_rows, replica_rows), strict=True
        ):
            writer.writerows(format_row(row) for row in rows)
            handle.flush()

    def _run(self):
        """Poll on a fixed schedule until stopped."""
        deadline = time.monotonic()
        while not self._stop.is_set():
            try:
                self.sample_once()
            except Exception:  # a sampler bug must not end the measured run
                logger.exception("Poll %d failed; sampling goes on", self.sampler.polls)
            deadline += self.interval
            self._stop.wait(max(0.0, deadline - time.monotonic()))


def format_row(row):
    """Format a row's numbers for CSV, leaving unmeasured values empty."""
    formatted = {}
    for key, value in row.items():
        if key == "time":
            formatted[key] = f"{value:.3f}"
        elif isinstance(value, float):
            formatted[key] = format_number(value)
        else:
            formatted[key] = "" if value is None else value
    return formatted
