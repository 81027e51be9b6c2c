"""Measured runs on a Kubernetes cluster: install a chart, load it, sample it."""

# The label that the charts put on every pod, Deployment and HPA of one service,
# with the service name (class-schedule, gateway, monolith, ...) as its value.
COMPONENT_LABEL = "app.kubernetes.io/component"
# The label that carries the Helm release name.
INSTANCE_LABEL = "app.kubernetes.io/instance"


class ClusterError(RuntimeError):
    """A cluster step failed; the message names the step and the next action."""


def release_selector(release):
    """Return the label selector for the pods of one release's services."""
    return f"{INSTANCE_LABEL}={release},{COMPONENT_LABEL}"
