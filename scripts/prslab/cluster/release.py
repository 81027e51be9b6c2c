"""Install or upgrade a chart with the real helm binary and wait for its Deployments."""

import json
import logging
import subprocess
import time

from kubernetes import client

from prslab import REPO_ROOT
from prslab.cluster import COMPONENT_LABEL, INSTANCE_LABEL, ClusterError
from prslab.cluster.sampler import TRANSIENT_ERRORS, describe_error

logger = logging.getLogger(__name__)

CHARTS_DIR = REPO_ROOT / "helm"
PRESETS = ("single", "autoscaled")
# Container waiting reasons that no amount of waiting fixes.
STUCK_REASONS = {
    "CrashLoopBackOff",
    "CreateContainerConfigError",
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
}


def helm_command(helm, chart, preset, release, namespace, kubeconfig=None, sets=()):
    """Return the `helm upgrade --install` command for a chart and preset."""
    chart_dir = CHARTS_DIR / chart
    command = [
        str(helm),
        "upgrade",
        "--install",
        release,
        str(chart_dir),
        "--namespace",
        namespace,
        "--create-namespace",
        "--values",
        str(chart_dir / f"values-{preset}.yaml"),
        # Helm waits for the hook Job that creates and seeds the schema. The
        # Deployments are waited for below, with a report of what is not ready.
        "--timeout",
        "15m",
    ]
    for assignment in sets:
        command += ["--set", assignment]
    if kubeconfig:
        command += ["--kubeconfig", str(kubeconfig)]
    return command


def install_release(helm, chart, preset, release, namespace, kubeconfig=None, sets=()):
    """Run `helm upgrade --install`, raising ClusterError with helm's output."""
    command = helm_command(helm, chart, preset, release, namespace, kubeconfig, sets)
    logger.info("Installing %s (%s preset) as %s/%s", chart, preset, namespace, release)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClusterError(
            f"helm upgrade --install {release} failed (exit {result.returncode}):\n"
            f"{result.stderr.strip() or result.stdout.strip()}"
        )
    logger.debug("helm output:\n%s", result.stdout)


def release_values(helm, release, namespace, kubeconfig=None):
    """Return the release's computed values (`helm get values --all`)."""
    command = [str(helm), "get", "values", release, "--all", "--output", "json"]
    command += ["--namespace", namespace]
    if kubeconfig:
        command += ["--kubeconfig", str(kubeconfig)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClusterError(f"helm get values {release} failed: {result.stderr.strip()}")
    return json.loads(result.stdout or "{}")


def is_available(deployment):
    """Return True when every requested replica of the Deployment is updated and up."""
    spec_replicas = (
        deployment.spec.replicas if deployment.spec.replicas is not None else 1
    )
    status = deployment.status
    if status is None:
        return False
    return (
        (status.observed_generation or 0) >= (deployment.metadata.generation or 0)
        and (status.updated_replicas or 0) >= spec_replicas
        and (status.available_replicas or 0) >= spec_replicas
    )


def wait_for_deployments(api_client, namespace, release, timeout, interval=3.0):
    """Wait until every Deployment of the release is available, else raise."""
    apps = client.AppsV1Api(api_client)
    selector = f"{INSTANCE_LABEL}={release}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            deployments = apps.list_namespaced_deployment(
                namespace, label_selector=selector
            ).items
        except TRANSIENT_ERRORS as error:
            logger.warning(
                "Listing Deployments failed (%s); retrying", describe_error(error)
            )
            deployments = None

        if deployments:
            waiting = [d for d in deployments if not is_available(d)]
            if not waiting:
                logger.info("All %d Deployments are available", len(deployments))
                return [d.metadata.name for d in deployments]
        if time.monotonic() >= deadline:
            raise ClusterError(
                not_ready_message(api_client, namespace, release, timeout)
            )
        time.sleep(interval)


def not_ready_message(api_client, namespace, release, timeout):
    """Describe every Deployment of the release that is not available, and why."""
    apps = client.AppsV1Api(api_client)
    deployments = apps.list_namespaced_deployment(
        namespace, label_selector=f"{INSTANCE_LABEL}={release}"
    ).items
    if not deployments:
        return (
            f"release {release} has no Deployment in namespace {namespace} after "
            f"{timeout:.0f} s; check helm status {release} -n {namespace}"
        )
    lines = [f"Deployments not available after {timeout:.0f} s:"]
    for deployment in deployments:
        if not is_available(deployment):
            lines.append(describe_deployment(deployment))
            lines += pod_problems(api_client, namespace, deployment)
    return "\n".join(lines)


def describe_deployment(deployment):
    """Return one line with a Deployment's replica counts and failing conditions."""
    status = deployment.status or client.V1DeploymentStatus()
    problems = [
        describe_condition(c)
        for c in status.conditions or []
        if c.status != "True" or c.reason == "ProgressDeadlineExceeded"
    ]
    return (
        f"- {deployment.metadata.name}: {status.available_replicas or 0}/"
        f"{deployment.spec.replicas} available"
        + (f"; {'; '.join(problems)}" if problems else "")
    )


def pod_problems(api_client, namespace, deployment):
    """Return lines naming why the Deployment's pods are not ready."""
    component = (deployment.metadata.labels or {}).get(COMPONENT_LABEL)
    instance = (deployment.metadata.labels or {}).get(INSTANCE_LABEL)
    selector = f"{INSTANCE_LABEL}={instance},{COMPONENT_LABEL}={component}"
    pods = (
        client.CoreV1Api(api_client)
        .list_namespaced_pod(namespace, label_selector=selector)
        .items
    )
    return [f"    pod {pod.metadata.name}: {pod_reason(pod)}" for pod in pods]


def pod_reason(pod):
    """Return the most telling reason a pod is not ready."""
    status = pod.status
    for container in status.container_statuses or []:
        waiting = container.state.waiting if container.state else None
        if waiting and waiting.reason:
            reason = f"container {container.name} {waiting.reason}"
            if waiting.reason in STUCK_REASONS:
                reason += " (stuck: check the image and kubectl logs)"
            return f"{reason}: {waiting.message}" if waiting.message else reason
    for condition in status.conditions or []:
        if condition.status != "True" and condition.message:
            return describe_condition(condition)
    return f"phase {status.phase}"


def describe_condition(condition):
    """Return a condition as Type=Status (Reason: message)."""
    return (
        f"{condition.type}={condition.status} ({condition.reason}: {condition.message})"
    )
