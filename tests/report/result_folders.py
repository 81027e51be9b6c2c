"""Write result folders of realistic JMeter and sampler output for the report tests."""

import csv
import json
import random

# The default columns of JMeter's CSV result writer, in its order.
JTL_HEADER = [
    "timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName",
    "dataType", "success", "failureMessage", "bytes", "sentBytes", "grpThreads",
    "allThreads", "URL", "Latency", "IdleTime", "Connect",
]  # fmt: skip
START_MS = 1_760_000_000_000
OPERATIONS = ("class schedule", "exam schedule", "add selection")


class ResultFolder:
    """Write a results/<timestamp>/ folder row by row, as the runners do."""

    def __init__(self, path, users=20):
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self.runs = {}
        self.write_run_json(users)

    def write_run_json(self, users):
        """Write run.json with the requested users in its options."""
        info = {
            "options": {"users": users, "duration": 10},
            "started": "2025-10-09T10:00:00",
        }
        (self.path / "run.json").write_text(json.dumps(info))

    def add_jtl(self, label, rows):
        """Write <label>/kpi.jtl from dicts of JTL fields."""
        folder = self.path / label
        folder.mkdir(exist_ok=True)
        with (folder / "kpi.jtl").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=JTL_HEADER)
            writer.writeheader()
            writer.writerows(rows)
        self.runs[label] = rows
        return folder

    def add_resources(self, label, rows):
        """Write <label>/resources.csv from tuples in the header's order."""
        write_csv(
            self.path / label / "resources.csv",
            ("time", "service", "pod", "node", "cpu_millicores", "memory_mib"),
            rows,
        )

    def add_replicas(self, label, rows):
        """Write <label>/replicas.csv from tuples in the header's order."""
        header = (
            "time",
            "service",
            "current_replicas",
            "desired_replicas",
            "cpu_utilization_percent",
            "ready_pods",
        )
        write_csv(self.path / label / "replicas.csv", header, rows)


def write_csv(path, header, rows):
    """Write a CSV file with a header row."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def jtl_row(
    start_ms, elapsed, label, code="200", success=True, threads=20, message="OK"
):
    """Return one JTL row as JMeter's CSV writer lays it out."""
    return {
        "timeStamp": start_ms,
        "elapsed": elapsed,
        "label": label,
        "responseCode": code,
        "responseMessage": message,
        "threadName": f"students 1-{threads % 7 + 1}",
        "dataType": "text",
        "success": "true" if success else "false",
        "failureMessage": ""
        if success
        else 'Expected "201", got 503, body: {"error": x}',
        "bytes": 1834,
        "sentBytes": 211,
        "grpThreads": threads,
        "allThreads": threads,
        "URL": "http://127.0.0.1:8000/api/classes?course=IF101&page=1",
        "Latency": max(elapsed - 1, 0),
        "IdleTime": 0,
        "Connect": 0,
    }


def synthetic_jtl(seed, samples=300, slow=1.0, max_threads=20):
    """Return JTL rows of a 10-second run: ramping threads, some 409s and some 503s."""
    generator = random.Random(seed)
    rows = []
    for index in range(samples):
        operation = OPERATIONS[index % len(OPERATIONS)]
        start = START_MS + int(index * 10_000 / samples) + generator.randint(0, 20)
        elapsed = int(generator.lognormvariate(3.0, 0.6) * slow)
        threads = min(max_threads, 1 + index * max_threads // (samples // 2))
        row = jtl_row(start, elapsed, operation, threads=threads)
        if operation == "add selection" and index % 9 == 2:
            row.update(
                label="add selection (409 class_full)",
                responseCode="409",
                responseMessage="Conflict",
            )
        elif index % 50 == 7:
            row.update(
                responseCode="503",
                responseMessage="Service Unavailable, retry",
                success="false",
                failureMessage='Expected "200", got 503, body: {"error": x}',
            )
        rows.append(row)
    return rows


def synthetic_resources(services, seconds=10, base=100.0):
    """Return resources.csv rows: one per second per pod, CPU rising with load."""
    rows = []
    for second in range(seconds):
        for service_index, (service, pods) in enumerate(services.items()):
            for pod in range(pods):
                millicores = base * (service_index + 1) + 10 * second + pod * 3
                rows.append(
                    (
                        # 0.3 s into each second, so every poll falls within
                        # the JTL's load window, which starts at START_MS.
                        START_MS / 1000 + second + 0.3 + 0.01 * pod,
                        service,
                        f"{service}-{pod}",
                        f"worker-{pod % 2 + 1}",
                        millicores,
                        60.0 + pod,
                    )
                )
    return rows
