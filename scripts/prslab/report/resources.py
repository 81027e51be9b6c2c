"""Read CPU, memory and replica samples (resources.csv, replicas.csv)."""

import csv
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prslab.report.errors import ReportError
from prslab.results import REPLICA_COLUMNS, RESOURCE_COLUMNS

ALL_SERVICES = "ALL"


@dataclass(frozen=True)
class ResourceSample:
    """CPU and memory of one pod (or local replica) at one poll."""

    time: float  # seconds since the epoch
    service: str
    pod: str
    node: str
    cpu_millicores: float
    memory_mib: float


@dataclass(frozen=True)
class ReplicaSample:
    """The autoscaler's view of one service at one poll."""

    time: float
    service: str
    current_replicas: int | None
    desired_replicas: int | None
    cpu_utilization_percent: float | None
    ready_pods: int | None


def parse_time(value):
    """Parse epoch seconds or an ISO 8601 timestamp into epoch seconds."""
    try:
        return float(value)
    except ValueError:
        pass
    text = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive times are the sampler's local time
    return moment.timestamp()


def read_rows(path, columns):
    """Yield (line, row) from a CSV file after checking its header."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise ReportError(f"{path}: header lacks {', '.join(missing)}")
        for row in reader:
            if None in row or any(row[name] is None for name in columns):
                raise ReportError(f"{path}:{reader.line_num}: wrong number of fields")
            yield reader.line_num, row


def read_resources(path):
    """Parse resources.csv into samples, raising ReportError that names the line."""
    samples = []
    for line, row in read_rows(path, RESOURCE_COLUMNS):
        if not row["cpu_millicores"].strip() or not row["memory_mib"].strip():
            continue  # a pod that metrics-server has not measured yet
        try:
            samples.append(
                ResourceSample(
                    time=parse_time(row["time"]),
                    service=row["service"],
                    pod=row["pod"],
                    node=row["node"],
                    cpu_millicores=float(row["cpu_millicores"]),
                    memory_mib=float(row["memory_mib"]),
                )
            )
        except ValueError as error:
            raise ReportError(f"{path}:{line}: invalid value ({error})") from None
    return samples


def optional_int(text):
    """Parse an integer field that the sampler leaves empty when it is unknown."""
    return int(text) if text.strip() else None


def read_replicas(path):
    """Parse replicas.csv into samples, raising ReportError that names the line."""
    samples = []
    for line, row in read_rows(path, REPLICA_COLUMNS):
        utilization = row["cpu_utilization_percent"].strip()
        try:
            samples.append(
                ReplicaSample(
                    time=parse_time(row["time"]),
                    service=row["service"],
                    current_replicas=optional_int(row["current_replicas"]),
                    desired_replicas=optional_int(row["desired_replicas"]),
                    cpu_utilization_percent=float(utilization) if utilization else None,
                    ready_pods=optional_int(row["ready_pods"]),
                )
            )
        except ValueError as error:
            raise ReportError(f"{path}:{line}: invalid value ({error})") from None
    return samples


def poll_totals(samples):
    """Return {poll second: summed millicores} for samples of one service."""
    totals = defaultdict(float)
    for sample in samples:
        # NOTE: rows of one poll are assumed to carry the same time to the second.
        totals[round(sample.time)] += sample.cpu_millicores
    return totals


def describe_cpu(samples):
    """Return CPU and memory figures per service, and ALL over every service."""
    by_service = defaultdict(list)
    for sample in samples:
        by_service[sample.service].append(sample)
    by_service = dict(sorted(by_service.items()))
    if samples:
        by_service[ALL_SERVICES] = samples

    figures = {}
    for service, group in by_service.items():
        cpu = [sample.cpu_millicores for sample in group]
        totals = list(poll_totals(group).values())
        figures[service] = {
            "pods": len({(sample.service, sample.pod) for sample in group}),
            "avg_millicores_per_pod": statistics.fmean(cpu),
            "peak_millicores_per_pod": max(cpu),
            "avg_millicores_total": statistics.fmean(totals),
            "peak_millicores_total": max(totals),
            "peak_memory_mib_per_pod": max(sample.memory_mib for sample in group),
        }
    return figures


def describe_pods(samples):
    """Return per-pod CPU figures: [(service, pod, node, polls, avg m, peak m)]."""
    by_pod = defaultdict(list)
    for sample in samples:
        by_pod[(sample.service, sample.pod, sample.node)].append(sample.cpu_millicores)

    return [
        {
            "service": service,
            "pod": pod,
            "node": node,
            "polls": len(cpu),
            "avg_millicores": statistics.fmean(cpu),
            "peak_millicores": max(cpu),
        }
        for (service, pod, node), cpu in sorted(by_pod.items())
    ]
