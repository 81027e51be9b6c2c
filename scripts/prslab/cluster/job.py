"""Run the JMeter plan inside the cluster as a Job and copy its results back.

The Job mounts a ConfigMap with the plan and the token CSV, runs JMeter in non-GUI
mode, prints an exit marker and then sleeps, so the JTL can be read out of the
running pod through the exec API (pod logs are rotated by the kubelet and would cut
a large JTL).
"""

import logging
import re
import shlex
import time

from kubernetes import client
from kubernetes.stream import stream

from prslab.cluster import ClusterError

logger = logging.getLogger(__name__)

PLAN_DIR = "/plan"
RESULTS_DIR = "/results"
EXIT_MARKER = "prslab-jmeter-exit="
# Seconds the pod stays up after JMeter ends, so its results can be copied.
COLLECT_WINDOW = 900
# The Job's pods carry no release label, so the sampler leaves them out.
JOB_LABELS = {"app.kubernetes.io/name": "prslab-loadtest"}
RESULT_FILES = ("kpi.jtl", "jmeter.log")


def build_config_map(name, plan_text, tokens_text):
    """Return the ConfigMap manifest that carries the plan and the tokens."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": JOB_LABELS},
        "data": {"prs.jmx": plan_text, "tokens.csv": tokens_text},
    }


def jmeter_script(properties):
    """Return the container's shell script: JMeter, the exit marker, then a wait."""
    options = " ".join(
        shlex.quote(f"-J{key}={value}") for key, value in sorted(properties.items())
    )
    return (
        f"jmeter -n -t {PLAN_DIR}/prs.jmx -l {RESULTS_DIR}/kpi.jtl "
        f"-j {RESULTS_DIR}/jmeter.log "
        "-Jjmeter.save.saveservice.output_format=csv "
        f"{options}; "
        f'echo "{EXIT_MARKER}$?"; sleep {COLLECT_WINDOW}'
    )


def build_job(name, image, properties, resources=None):
    """Return the Job manifest that runs the plan with the given JMeter properties."""
    container = {
        "name": "jmeter",
        "image": image,
        "command": ["sh", "-c", jmeter_script(properties)],
        "volumeMounts": [
            {"name": "plan", "mountPath": PLAN_DIR, "readOnly": True},
            {"name": "results", "mountPath": RESULTS_DIR},
        ],
    }
    if resources:
        container["resources"] = resources
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": JOB_LABELS},
        "spec": {
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": JOB_LABELS},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [container],
                    "volumes": [
                        {"name": "plan", "configMap": {"name": name}},
                        {"name": "results", "emptyDir": {}},
                    ],
                },
            },
        },
    }


class JobRunner:
    """Create the load-test Job, wait for JMeter to end, and copy the results out."""

    def __init__(self, api_client, namespace, name):
        self.namespace = namespace
        self.name = name
        self.core = client.CoreV1Api(api_client)
        self.batch = client.BatchV1Api(api_client)

    def run(self, config_map, job, out_dir, timeout):
        """Run the Job and copy RESULT_FILES into out_dir, then delete it."""
        self.delete()
        self.core.create_namespaced_config_map(self.namespace, config_map)
        self.batch.create_namespaced_job(self.namespace, job)
        logger.info("Started Job %s/%s", self.namespace, self.name)
        try:
            pod = self.wait_for_pod(timeout=300)
            exit_code = self.wait_for_exit(pod, timeout)
            for filename in RESULT_FILES:
                self.copy_file(pod, f"{RESULTS_DIR}/{filename}", out_dir / filename)
        finally:
            self.delete()
        if exit_code != 0:
            raise ClusterError(
                f"JMeter in Job {self.name} exited with {exit_code}; see "
                f"{out_dir / 'jmeter.log'}"
            )

    def wait_for_pod(self, timeout):
        """Return the name of the Job's pod once it runs."""
        deadline = time.monotonic() + timeout
        selector = f"job-name={self.name}"
        while time.monotonic() < deadline:
            pods = self.core.list_namespaced_pod(
                self.namespace, label_selector=selector
            )
            for pod in pods.items:
                if pod.status.phase == "Running":
                    return pod.metadata.name
                if pod.status.phase == "Failed":
                    raise ClusterError(f"the load-test pod {pod.metadata.name} failed")
            time.sleep(2)
        raise ClusterError(
            f"the load-test pod of Job {self.name} did not start within {timeout} s; "
            f"check kubectl -n {self.namespace} describe job {self.name}"
        )

    def wait_for_exit(self, pod, timeout):
        """Return JMeter's exit code once the pod's log shows the exit marker."""
        deadline = time.monotonic() + timeout
        pattern = re.compile(rf"^{EXIT_MARKER}(\d+)$", re.MULTILINE)
        while time.monotonic() < deadline:
            log = self.core.read_namespaced_pod_log(pod, self.namespace, tail_lines=20)
            found = pattern.search(log or "")
            if found:
                return int(found.group(1))
            time.sleep(5)
        raise ClusterError(f"JMeter in pod {pod} did not finish within {timeout} s")

    def copy_file(self, pod, source, target):
        """Copy one text file out of the pod through the exec API."""
        response = stream(
            self.core.connect_get_namespaced_pod_exec,
            pod,
            self.namespace,
            command=["cat", source],
            stderr=True,
            stdin=False,
            stdout=True,
            tty=False,
            _preload_content=False,
        )
        errors = []
        with target.open("w", encoding="utf-8") as handle:
            while response.is_open():
                response.update(timeout=5)
                if response.peek_stdout():
                    handle.write(response.read_stdout())
                if response.peek_stderr():
                    errors.append(response.read_stderr())
        response.close()
        if errors:
            raise ClusterError(
                f"copying {source} from pod {pod} failed: {''.join(errors)}"
            )
        logger.info("Copied %s from pod %s to %s", source, pod, target)

    def delete(self):
        """Delete the Job, its pods and its ConfigMap, ignoring ones already gone."""
        for delete in (
            lambda: self.batch.delete_namespaced_job(
                self.name, self.namespace, propagation_policy="Background"
            ),
            lambda: self.core.delete_namespaced_config_map(self.name, self.namespace),
        ):
            try:
                delete()
            except client.ApiException as error:
                if error.status != 404:
                    raise
