"""The sampler, through the real kubernetes client, against the fixture server."""

import csv

import pytest

from prslab.cluster import sampler
from tests.cluster_tools.conftest import (
    METRICS_GROUP,
    METRICS_PODS,
    NAMESPACE,
    PODS,
    RELEASE,
    serve_autoscaled_cluster,
)


@pytest.mark.parametrize(
    ("quantity", "millicores"),
    [("250m", 250.0), ("11122600n", 11.1226), ("1", 1000.0), ("1500u", 1.5)],
)
def test_cpu_quantity_to_millicores(quantity, millicores):
    assert sampler.cpu_millicores(quantity) == pytest.approx(millicores)


@pytest.mark.parametrize(
    ("quantity", "mib"),
    [("512Ki", 0.5), ("1Gi", 1024.0), ("64Mi", 64.0), ("1048576", 1.0)],
)
def test_memory_quantity_to_mib(quantity, mib):
    assert sampler.memory_mib(quantity) == pytest.approx(mib)


def rows_by_pod(rows):
    """Index resource rows by pod name."""
    return {row["pod"]: row for row in rows}


def test_sampler_reads_pods_and_hpas(fake_api, api_client):
    serve_autoscaled_cluster(fake_api)
    poller = sampler.Sampler(api_client, NAMESPACE, RELEASE)

    resource_rows, replica_rows = poller.poll(now=1000.0)

    pods = rows_by_pod(resource_rows)
    assert sorted(pods) == [
        "prs-add-selection-a",
        "prs-add-selection-b",
        "prs-add-selection-c",
        "prs-gateway-a",
    ]
    assert pods["prs-add-selection-a"]["cpu_millicores"] == pytest.approx(250.0)
    assert pods["prs-add-selection-a"]["memory_mib"] == pytest.approx(0.5)
    assert pods["prs-add-selection-b"]["cpu_millicores"] == pytest.approx(11.1226)
    assert pods["prs-add-selection-b"]["node"] == "worker2"
    assert pods["prs-gateway-a"]["cpu_millicores"] == pytest.approx(1000.0)
    assert pods["prs-gateway-a"]["service"] == "gateway"
    # A pod with no metrics yet is listed, its usage left unmeasured.
    assert pods["prs-add-selection-c"]["cpu_millicores"] is None

    replicas = {row["service"]: row for row in replica_rows}
    assert replicas["add-selection"]["current_replicas"] == 3
    assert replicas["add-selection"]["desired_replicas"] == 4
    assert replicas["add-selection"]["cpu_utilization_percent"] == 72
    assert replicas["add-selection"]["ready_pods"] == 2
    assert replicas["gateway"]["current_replicas"] == 1
    assert replicas["gateway"]["desired_replicas"] == 1
    assert replicas["gateway"]["cpu_utilization_percent"] is None
    assert replicas["gateway"]["ready_pods"] == 1


def test_sampler_sends_release_selector(fake_api, api_client):
    serve_autoscaled_cluster(fake_api)

    sampler.Sampler(api_client, NAMESPACE, RELEASE).poll()

    assert METRICS_PODS in fake_api.requests
    assert PODS in fake_api.requests


def test_timeline_unbroken_across_api_errors(fake_api, api_client):
    serve_autoscaled_cluster(fake_api)
    # Poll 1 succeeds, the metrics API fails on polls 2 to 4 and pods fail on poll 3.
    poller = sampler.Sampler(api_client, NAMESPACE, RELEASE)
    timeline = []
    for number in range(1, 7):
        if number == 2:
            fake_api.fail(METRICS_PODS, 503, 500, 503)
        if number == 3:
            fake_api.fail(PODS, 500)
        timeline.append(poller.poll(now=1000.0 + 5 * number))

    for resource_rows, replica_rows in timeline:
        assert len(resource_rows) == 4
        assert len(replica_rows) == 2
    measured = [
        [row["cpu_millicores"] is not None for row in rows_by_pod(rows).values()]
        for rows, _ in timeline
    ]
    assert any(measured[0])
    for failed in measured[1:4]:
        assert not any(failed)
    assert any(measured[4])
    assert any(measured[5])
    # The pod list failed on poll 3, so the nodes come from poll 2.
    assert rows_by_pod(timeline[2][0])["prs-add-selection-b"]["node"] == "worker2"
    assert poller.summary()["polls"] == 6
    assert poller.summary()["failed_polls_by_source"] == {"metrics": 3, "pods": 1}


def test_failed_poll_is_logged(fake_api, api_client, caplog):
    serve_autoscaled_cluster(fake_api)
    fake_api.fail(METRICS_PODS, 503)

    sampler.Sampler(api_client, NAMESPACE, RELEASE).poll()

    assert "reading metrics failed (HTTP 503" in caplog.text


def test_missing_metrics_api_says_install(fake_api, api_client):
    serve_autoscaled_cluster(fake_api)
    del fake_api.responses[METRICS_GROUP]

    with pytest.raises(sampler.MetricsApiMissing) as raised:
        sampler.check_metrics_api(api_client)

    assert "install metrics-server" in str(raised.value)
    assert "metrics.k8s.io/v1beta1" in str(raised.value)


def test_missing_metrics_during_poll_logs_hint(fake_api, api_client, caplog):
    serve_autoscaled_cluster(fake_api)
    del fake_api.responses[METRICS_PODS]

    resource_rows, _ = sampler.Sampler(api_client, NAMESPACE, RELEASE).poll()

    assert len(resource_rows) == 4
    assert "install metrics-server" in caplog.text


def read_csv(path):
    """Read a CSV file into a list of dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_recorder_writes_contract_csvs(fake_api, api_client, tmp_path):
    serve_autoscaled_cluster(fake_api)
    poller = sampler.Sampler(api_client, NAMESPACE, RELEASE)
    recorder = sampler.Recorder(
        poller, tmp_path / "resources.csv", tmp_path / "replicas.csv", interval=60
    )

    with recorder:
        recorder.sample_once()
    resources = read_csv(tmp_path / "resources.csv")
    replicas = read_csv(tmp_path / "replicas.csv")

    polls = poller.polls
    assert polls >= 2  # the thread's first poll and the one above
    assert list(resources[0]) == list(sampler.RESOURCE_COLUMNS)
    assert list(replicas[0]) == list(sampler.REPLICA_COLUMNS)
    assert len(resources) == 4 * polls
    assert len(replicas) == 2 * polls
    gateway = [row for row in resources if row["pod"] == "prs-gateway-a"][0]
    assert gateway["cpu_millicores"] == "1000"
    assert gateway["memory_mib"] == "64"
    unmeasured = [row for row in resources if row["pod"] == "prs-add-selection-c"][0]
    assert unmeasured["cpu_millicores"] == ""
