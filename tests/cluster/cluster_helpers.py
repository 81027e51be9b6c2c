"""Drive kubectl and helm against the local kwok cluster, and simulate pod CPU."""

import json
import logging
import subprocess
import threading
import time
from pathlib import Path

from prslab.tools.helm import find_helm

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
# kwokctl's default ClusterResourceUsage reads each pod's CPU usage from here.
CPU_ANNOTATION = "kwok.x-k8s.io/usage-cpu"
COMPONENT_LABEL = "app.kubernetes.io/component"
INSTANCE_LABEL = "app.kubernetes.io/instance"


def find_chart_helm():
    """Return the helm binary that the charts are installed with."""
    return Path(find_helm())


def wait_until(what, condition, timeout, interval=2.0):
    """Poll `condition` until it returns a truthy value, and return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def settle(read, timeout, interval=3.0):
    """Call `read` until it returns a falsy value or `timeout` passes, and return it."""
    deadline = time.monotonic() + timeout
    value = read()
    while value and time.monotonic() < deadline:
        time.sleep(interval)
        value = read()
    return value


class Kube:
    """The local cluster's kubeconfig with the kubectl and helm binaries to use."""

    def __init__(self, kubeconfig, kubectl, helm):
        self.kubeconfig = Path(kubeconfig)
        self.kubectl_path = Path(kubectl)
        self.helm_path = Path(helm)

    def kubectl(self, *args, check=True, timeout=120):
        """Run kubectl on the local cluster and return its standard output."""
        return self._run(
            [self.kubectl_path, "--kubeconfig", self.kubeconfig, *args], check, timeout
        )

    def helm(self, *args, check=True, timeout=600):
        """Run helm on the local cluster and return its standard output."""
        return self._run(
            [self.helm_path, "--kubeconfig", self.kubeconfig, *args], check, timeout
        )

    def get(self, *args):
        """Return the objects that `kubectl get ARGS -o json` lists."""
        listed = json.loads(self.kubectl("get", *args, "-o", "json"))
        return listed.get("items", [listed])

    def _run(self, command, check, timeout):
        """Run `command`, raising with its output when it fails and `check` is set."""
        logger.debug("running %s", command)
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            shown = " ".join(map(str, [Path(command[0]).name, *command[3:]]))
            raise AssertionError(
                f"{shown} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout


class SimulatedLoad:
    """Spread a service's total CPU usage evenly over its pods, like a load balancer.

    A background thread annotates every pod of the service, including the pods that
    the autoscaler adds, with total/pods millicores, so that the autoscaler reads the
    same average utilization as under real traffic.
    """

    def __init__(self, kube, namespace, service, interval=2.0):
        self.kube = kube
        self.namespace = namespace
        self.service = service
        self.interval = interval
        self.total_millicores = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def set_total(self, millicores):
        """Set the service's total CPU usage in millicores and apply it at once."""
        self.total_millicores = millicores
        self.apply()

    def apply(self):
        """Annotate each running pod of the service with its share of the usage."""
        pods = [
            pod
            for pod in self.kube.get(
                "pods", "-n", self.namespace, "-l", f"{COMPONENT_LABEL}={self.service}"
            )
            if not pod["metadata"].get("deletionTimestamp")
        ]
        if not pods:
            return
        share = f"{max(1, self.total_millicores // len(pods))}m"
        for pod in pods:
            if pod["metadata"].get("annotations", {}).get(CPU_ANNOTATION) != share:
                self.kube.kubectl(
                    "annotate",
                    "--overwrite",
                    "-n",
                    self.namespace,
                    "pod",
                    pod["metadata"]["name"],
                    f"{CPU_ANNOTATION}={share}",
                    check=False,
                )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self):
        """Reapply the usage until stopped, so that new pods get their share."""
        while not self._stop.wait(self.interval):
            try:
                self.apply()
            except (AssertionError, subprocess.SubprocessError, ValueError):
                logger.exception("annotating the pods of %s failed", self.service)
