"""Load a result folder into runs and group the repeats of each topology."""

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from prslab.report import jtl, resources, stats
from prslab.report.errors import ReportError

logger = logging.getLogger(__name__)

# Folders that the report itself writes, never run folders.
REPORT_FOLDERS = {"plots"}
REPEAT_SUFFIX = re.compile(r"-\d+$")


@dataclass
class Run:
    """One measured run: a <label>/ folder of a result folder."""

    label: str
    topology: str
    path: Path
    samples: list
    resources: list
    replicas: list | None
    requested_users: int | None
    operations: dict = field(init=False)
    cpu: dict = field(init=False)
    pods: list = field(init=False)

    def __post_init__(self):
        self.operations = stats.describe_operations(self.samples)
        under_load = self.resources_under_load()
        self.cpu = resources.describe_cpu(under_load)
        self.pods = resources.describe_pods(under_load)

    def resources_under_load(self):
        """Return the resource samples taken while JMeter sent requests.

        The sampler starts before Taurus and stops after it, so the idle polls
        around the load would otherwise pull the CPU averages down. A run whose
        polls all fall outside the load window keeps every poll.
        """
        if not self.samples:
            return self.resources
        first = min(sample.start_ms for sample in self.samples) / 1000
        last = max(sample.end_ms for sample in self.samples) / 1000
        inside = [row for row in self.resources if first <= row.time <= last]
        if self.resources and not inside:
            logger.warning(
                "%s: no resource poll falls within the load window, so the CPU "
                "figures cover every poll",
                self.path,
            )
            return self.resources
        return inside

    @property
    def reached_users(self):
        """Return the maximum of JMeter's allThreads over the run (0 without load)."""
        return max((sample.all_threads for sample in self.samples), default=0)


@dataclass
class Topology:
    """The repeats of one topology, e.g. monolith/ and monolith-2/."""

    name: str
    runs: list

    def run_title(self, run):
        """Return a run's name in tables and legends, e.g. "monolith-2"."""
        if run.label in (self.name, self.name.rsplit("/", 1)[-1]):
            return self.name
        return f"{self.name}: {run.label}"

    @property
    def operations(self):
        """Return the mean and spread of each operation's figures over the repeats."""
        return stats.aggregate_runs([run.operations for run in self.runs])


def read_run_info(result_dir):
    """Return run.json as a dict, or {} when it is absent."""
    path = result_dir / "run.json"
    if not path.is_file():
        logger.warning("%s: missing, so the report shows no requested users", path)
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: invalid JSON ({error})") from None


def run_entry(info, label):
    """Return run.json's entry for one run label, if it lists runs."""
    runs = info.get("runs")
    if isinstance(runs, dict):
        return runs.get(label) or {}
    if isinstance(runs, list):
        for entry in runs:
            if isinstance(entry, dict) and entry.get("label") == label:
                return entry
    return {}


def requested_users(info, label):
    """Return the users the run asked for: its own entry first, then the options."""
    for source in (run_entry(info, label), info.get("options") or {}, info):
        users = source.get("users") if isinstance(source, dict) else None
        if isinstance(users, int):
            return users
    return None


def topology_name(info, label):
    """Return the topology of a run: run.json's word, else the label minus -N."""
    return run_entry(info, label).get("topology") or REPEAT_SUFFIX.sub("", label)


def find_run_folders(result_dir):
    """Return the run folders: every subfolder with a kpi.jtl or resources.csv."""
    folders = []
    for path in sorted(result_dir.iterdir()):
        if not path.is_dir() or path.name in REPORT_FOLDERS or path.name[0] in "._":
            continue
        if (path / "kpi.jtl").exists() or (path / "resources.csv").exists():
            folders.append(path)
        else:
            logger.debug("%s: no kpi.jtl or resources.csv, not a run folder", path)
    return folders


def load_run(path, info):
    """Read one run folder into a Run."""
    replicas_path = path / "replicas.csv"
    if (path / "kpi.jtl").exists() or not replicas_path.is_file():
        samples = jtl.read_jtl(path / "kpi.jtl")
    else:
        # A cluster episode without load, such as the autoscaler test on
        # simulated nodes, has pods and replicas to report but no requests.
        logger.warning("%s: no kpi.jtl, so the report shows no requests", path)
        samples = []

    resources_path = path / "resources.csv"
    if resources_path.is_file():
        cpu = resources.read_resources(resources_path)
    else:
        logger.warning(
            "%s: missing, so the report has no CPU figures for this run", resources_path
        )
        cpu = []

    replicas = (
        resources.read_replicas(replicas_path) if replicas_path.is_file() else None
    )
    return Run(
        label=path.name,
        topology=topology_name(info, path.name),
        path=path,
        samples=samples,
        resources=cpu,
        replicas=replicas,
        requested_users=requested_users(info, path.name),
    )


def load_single_run(run_dir):
    """Read a folder that itself contains kpi.jtl, such as a bzt run, as one run.

    The topology is run.json's entry for the folder, looked up in the folder and
    then in its parent (a results/<timestamp>/ folder), else the folder's name.
    """
    label = run_dir.name
    topology = label
    info = {}
    for folder in (run_dir, run_dir.parent):
        if not (folder / "run.json").is_file():
            continue
        info = read_run_info(folder)
        entry = run_entry(info, label)
        topology = entry.get("topology") or info.get("topology") or label
        break

    run = load_run(run_dir, info)
    run.topology = topology
    return [Topology(topology, [run])]


def load_topologies(result_dir):
    """Read every run folder of a result folder and group the repeats by topology.

    A folder that itself contains kpi.jtl is read as a single run.
    """
    result_dir = Path(result_dir)
    if not result_dir.is_dir():
        raise ReportError(
            f"{result_dir}: not a folder. Pass a results/<timestamp>/ folder"
        )
    if (result_dir / "kpi.jtl").is_file():
        return load_single_run(result_dir.resolve())

    info = read_run_info(result_dir)
    folders = find_run_folders(result_dir)
    if not folders:
        raise ReportError(f"{result_dir}: no run folder (a subfolder with kpi.jtl)")

    grouped = {}
    for folder in folders:
        run = load_run(folder, info)
        grouped.setdefault(run.topology, []).append(run)
    # The monolith first: it is the baseline that the other topologies are read against.
    names = sorted(grouped, key=lambda name: (not name.startswith("monolith"), name))
    return [Topology(name, grouped[name]) for name in names]
