"""Reports and comparisons built from sampler output of fixture clusters."""

import csv

from prslab.cluster import sampler
from prslab.report import build_report, compare
from tests.cluster_tools.conftest import (
    METRICS_PODS,
    NAMESPACE,
    PODS,
    RELEASE,
    listing,
    pod,
    pod_metrics,
    serve_autoscaled_cluster,
)

START = 1_767_600_000.0  # seconds since the epoch, shared by the JTL and samples
JTL_HEADER = (
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,"
    "success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,"
    "IdleTime,Connect"
)


def write_jtl(path, requests=40):
    """Write a small JMeter CSV result over the sampled period."""
    lines = [JTL_HEADER]
    for number in range(requests):
        stamp = int((START + number * 0.5) * 1000)
        lines.append(
            f"{stamp},{20 + number % 7},add selection,201,Created,users 1-1,text,"
            f"true,,300,200,4,4,http://prs/api/selections,18,0,1"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def record(api_client, run_dir, polls=5):
    """Poll the fixture cluster and write resources.csv and replicas.csv."""
    poller = sampler.Sampler(api_client, NAMESPACE, RELEASE)
    files = {
        "resources.csv": sampler.RESOURCE_COLUMNS,
        "replicas.csv": sampler.REPLICA_COLUMNS,
    }
    writers = {}
    handles = []
    for name, columns in files.items():
        handle = (run_dir / name).open("w", newline="", encoding="utf-8")
        handles.append(handle)
        writers[name] = csv.DictWriter(handle, fieldnames=columns)
        writers[name].writeheader()
    for number in range(polls):
        resource_rows, replica_rows = poller.poll(now=START + 5 * number)
        writers["resources.csv"].writerows(map(sampler.format_row, resource_rows))
        writers["replicas.csv"].writerows(map(sampler.format_row, replica_rows))
    for handle in handles:
        handle.close()


def make_result(api_client, root, label):
    """Create results/<timestamp>/<label>/ from the fixture cluster."""
    run_dir = root / label
    run_dir.mkdir(parents=True)
    write_jtl(run_dir / "kpi.jtl")
    record(api_client, run_dir)
    return root


def measure_every_pod(api):
    """Give the fixture's third add-selection pod metrics too."""
    items = api.responses[METRICS_PODS][1]["items"]
    items.append(pod_metrics("prs-add-selection-c", "add-selection", "100m", "8Mi"))
    api.set(METRICS_PODS, listing("PodMetricsList", items, "metrics.k8s.io/v1beta1"))


def test_report_has_pod_table_and_replicas_plot(fake_api, api_client, tmp_path):
    serve_autoscaled_cluster(fake_api)
    measure_every_pod(fake_api)
    result = make_result(api_client, tmp_path / "a", "microservices-autoscaled")

    build_report(result)

    report = (result / "report.md").read_text(encoding="utf-8")
    assert "CPU per pod" in report
    for name in ("prs-add-selection-a", "prs-add-selection-c", "prs-gateway-a"):
        assert name in report
    assert list((result / "plots").glob("replicas-*.png"))


def test_compare_single_and_autoscaled(fake_api, api_client, tmp_path):
    serve_autoscaled_cluster(fake_api)
    measure_every_pod(fake_api)
    autoscaled = make_result(api_client, tmp_path / "b", "microservices-autoscaled")
    single_pods = [
        pod("prs-add-selection-a", "add-selection", "worker1"),
        pod("prs-gateway-a", "gateway", "worker2"),
    ]
    single_metrics = [
        pod_metrics("prs-add-selection-a", "add-selection", "625m", "64Mi"),
        pod_metrics("prs-gateway-a", "gateway", "40m", "16Mi"),
    ]
    fake_api.set(PODS, listing("PodList", single_pods))
    fake_api.set(
        METRICS_PODS,
        listing("PodMetricsList", single_metrics, "metrics.k8s.io/v1beta1"),
    )
    single = make_result(api_client, tmp_path / "a", "microservices-single")
    out_dir = tmp_path / "compare"

    compare(single, autoscaled, out_dir=out_dir)

    report = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "CPU per pod" in report
    assert "625" in report  # the single pod's average millicores
    assert "250" in report  # an autoscaled pod's average millicores
    assert list((out_dir / "plots").glob("replicas-*.png"))


def test_report_accepts_failed_polls(fake_api, api_client, tmp_path):
    serve_autoscaled_cluster(fake_api)
    fake_api.fail(METRICS_PODS, 503, 503)
    result = make_result(api_client, tmp_path / "a", "microservices-autoscaled")

    build_report(result)

    report = (result / "report.md").read_text(encoding="utf-8")
    assert "prs-add-selection-a" in report
    assert list((result / "plots").glob("replicas-*.png"))
