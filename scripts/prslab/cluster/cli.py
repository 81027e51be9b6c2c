"""The `prslab cluster-run` command: one measured run of a chart on a cluster."""

import argparse
import json
import logging
import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from kubernetes import config

from prslab import REPO_ROOT
from prslab.cluster import ClusterError, job, release, sampler, tokens
from prslab.cluster.entrypoint import ENTRY_COMPONENTS, find_entry_point
from prslab.load import SCENARIOS
from prslab.tools import ToolError
from prslab.tools.helm import find_helm

logger = logging.getLogger(__name__)

DEFAULT_JMETER_IMAGE = "justb4/jmeter:5.5"
# The API server rejects a ConfigMap whose data exceeds 1 MiB.
CONFIG_MAP_MAX_BYTES = 2**20


def parse_interval(text, allow_zero=False):
    """Parse a sampling interval such as 5s, 500ms or 2 into seconds."""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0}
    for suffix in sorted(units, key=len, reverse=True):
        if text.endswith(suffix):
            number, scale = text[: -len(suffix)], units[suffix]
            break
    else:
        number, scale = text, 1.0
    try:
        seconds = float(number) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid interval {text!r}; use e.g. 5s"
        ) from None
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise argparse.ArgumentTypeError(f"interval {text!r} must be positive")
    return seconds


def parse_ramp_up(text):
    """Parse a ramp-up time such as 30s or 0 into seconds."""
    return parse_interval(text, allow_zero=True)


def positive_int(text):
    """Parse a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def register(subparsers):
    """Add the cluster-run subcommand."""
    parser = subparsers.add_parser(
        "cluster-run",
        help="install a chart on a cluster, load-test it and sample pods and HPAs",
        description="Install or upgrade a chart with a preset, reset its database "
        "to students sized for the load, run the Taurus plan against its entry "
        "point, sample pods and HPAs, and write a report.",
    )
    add_target_options(parser)
    add_load_options(parser)
    parser.add_argument(
        "--skip-install",
        action="store_true",
        help="measure the installed release without helm upgrade or a database "
        "reset, so its data may be used up by earlier runs",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "results",
        help="folder that gets the <timestamp>/ result folder (default: results/)",
    )
    parser.set_defaults(func=cluster_run)


def add_target_options(parser):
    """Add the options that choose the chart, release and cluster."""
    parser.add_argument(
        "--chart", required=True, choices=sorted(ENTRY_COMPONENTS), help="chart"
    )
    parser.add_argument(
        "--preset", required=True, choices=release.PRESETS, help="values preset"
    )
    parser.add_argument(
        "--release", default="prs", help="Helm release name (default: %(default)s)"
    )
    parser.add_argument(
        "--namespace",
        default="prs",
        help="namespace of the release (default: %(default)s)",
    )
    parser.add_argument(
        "--kubeconfig",
        type=Path,
        help="kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="sets",
        help="extra helm --set value, e.g. image.repository=...; repeatable",
    )


def add_load_options(parser):
    """Add the options that shape and place the load."""
    parser.add_argument(
        "--in-cluster",
        action="store_true",
        help="run JMeter as a Job inside the cluster instead of on this machine",
    )
    parser.add_argument(
        "--jmeter-image",
        default=DEFAULT_JMETER_IMAGE,
        help="JMeter image for --in-cluster (default: %(default)s)",
    )
    parser.add_argument(
        "--users",
        type=positive_int,
        default=50,
        help="concurrent JMeter threads (default: %(default)s)",
    )
    parser.add_argument(
        "--ramp-up",
        type=parse_ramp_up,
        default="30s",
        help="time to start every thread, e.g. 30s (default: %(default)s)",
    )
    parser.add_argument(
        "--duration",
        type=parse_interval,
        default="2m",
        help="time at full load after the ramp-up, e.g. 2m (default: %(default)s)",
    )
    parser.add_argument(
        "--scenario",
        default="session",
        choices=SCENARIOS,
        help="thread group of the plan to run (default: %(default)s)",
    )
    parser.add_argument(
        "--sample-interval",
        type=parse_interval,
        default="5s",
        help="time between samples of pods and HPAs (default: %(default)s)",
    )
    parser.add_argument(
        "--wait-timeout",
        type=parse_interval,
        default="10m",
        help="how long to wait for the Deployments (default: %(default)s)",
    )


def cluster_run(args):
    """Install, wait, load-test and sample one release, then build the report."""
    from prslab.report import ReportError, build_report

    try:
        api_client = load_api_client(args.kubeconfig)
    except ClusterError as error:
        logger.error("%s", error)
        return 1
    try:
        helm = find_helm()
    except ToolError as error:
        logger.error("%s", error)
        return 1
    label = f"{args.chart}-{args.preset}"
    result_dir = args.out / datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = result_dir / label
    run_dir.mkdir(parents=True)

    try:
        info = measure(args, api_client, helm, run_dir)
    except ClusterError as error:
        logger.error("%s", error)
        return 1

    info["runs"] = {label: {"topology": label, "users": args.users}}
    write_run_info(result_dir, info)
    try:
        build_report(result_dir)
    except ReportError as error:
        logger.error("The run finished but its report failed: %s", error)
        return 1
    print(f"Report: {result_dir / 'report.md'}")
    return 0


def load_api_client(kubeconfig):
    """Return a Kubernetes API client, or raise ClusterError naming the kubeconfig."""
    path = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
    try:
        return config.new_client_from_config(
            config_file=str(kubeconfig) if kubeconfig else None
        )
    except (config.ConfigException, yaml.YAMLError, OSError) as error:
        reason = str(error).splitlines()[0]
        raise ClusterError(
            f"cannot load the kubeconfig {path}: {reason}. Export KUBECONFIG or "
            "pass --kubeconfig with the cluster's admin kubeconfig."
        ) from None


def students_for_run(args):
    """Return how many students the run's load needs, as compare-local sizes them."""
    from prslab.compare_local import students_needed
    from prslab.load import LoadOptions

    shape = argparse.Namespace(
        scenario=args.scenario,
        users=args.users,
        think_time=LoadOptions.think_time_ms,
        duration=int(args.ramp_up + args.duration),
    )
    return students_needed(shape)


def reset_settings(students):
    """Return the --set values that make the hook Job reseed for a measured run."""
    return ["databaseJob.reset=true", f"databaseJob.seed.students={students}"]


def measure(args, api_client, helm, run_dir):
    """Install the release, then load and sample it; return run.json's content."""
    started = datetime.now().astimezone()
    needed = students_for_run(args)
    if not args.skip_install:
        # The hook Job resets the database on every upgrade, so each run starts
        # from the same data. A later --set databaseJob... still wins.
        release.install_release(
            helm,
            args.chart,
            args.preset,
            args.release,
            args.namespace,
            args.kubeconfig,
            [*reset_settings(needed), *args.sets],
        )
    release.wait_for_deployments(
        api_client, args.namespace, args.release, args.wait_timeout
    )
    sampler.check_metrics_api(api_client)
    entry = find_entry_point(api_client, args.namespace, args.release, args.chart)
    logger.info("Entry point %s (%s)", entry.url, entry.source)

    values = release.release_values(helm, args.release, args.namespace, args.kubeconfig)
    tokens_path = run_dir / "tokens.csv"
    secret = tokens.read_signing_key(api_client, args.namespace, args.release, values)
    students, seed = tokens.seed_options(values)
    if students < needed:
        logger.warning(
            "The release has %d students but the run may need %d; JMeter threads "
            "stop when the token file runs out",
            students,
            needed,
        )
    tokens.write_tokens(tokens_path, secret, students, seed)

    poller = sampler.Sampler(api_client, args.namespace, args.release)
    recorder = sampler.Recorder(
        poller,
        run_dir / "resources.csv",
        run_dir / "replicas.csv",
        args.sample_interval,
    )
    try:
        with recorder:
            if args.in_cluster:
                run_in_cluster(args, api_client, entry, tokens_path, run_dir)
            else:
                run_from_here(args, entry, tokens_path, run_dir)
    finally:
        # The CSV contains valid tokens, which do not belong in a result folder.
        tokens_path.unlink()

    return {
        "options": {k: str(v) for k, v in vars(args).items() if k != "func"},
        "started": started.isoformat(),
        "ended": datetime.now().astimezone().isoformat(),
        "machine": {"hostname": platform.node(), "python": platform.python_version()},
        "tool_versions": tool_versions(helm, api_client),
        "cluster": {"entry_point": entry.url, "entry_source": entry.source},
        "sampler": poller.summary(),
    }


def load_options(args, url, tokens_path):
    """Return the Taurus load options of this run."""
    from prslab.load import LoadOptions

    ramp_up = int(args.ramp_up)
    return LoadOptions(
        url=url,
        scenario=args.scenario,
        users=args.users,
        ramp_up_s=ramp_up,
        # prs.yml counts the ramp-up inside the duration; --duration is the hold.
        duration_s=ramp_up + int(args.duration),
        tokens=tokens_path,
    )


def plan_properties(options, tokens_path):
    """Return the JMeter properties of prs.jmx for the in-cluster Job."""
    target = urlsplit(options.url)
    return {
        "protocol": target.scheme,
        "host": target.hostname,
        "port": target.port or 80,
        "users": options.users,
        "ramp-up": options.ramp_up_s,
        "duration": options.duration_s,
        "think-time": options.think_time_ms,
        "scenario": options.scenario,
        "tokens": tokens_path,
    }


def run_from_here(args, entry, tokens_path, run_dir):
    """Run the Taurus plan from this machine against the entry point."""
    from prslab.load import LoadError, run_load
    from prslab.tools.jmeter import find_jmeter

    options = load_options(args, entry.url, tokens_path)
    try:
        run_load(options, run_dir, find_jmeter())
    except LoadError as error:
        raise ClusterError(str(error)) from None


def run_in_cluster(args, api_client, entry, tokens_path, run_dir):
    """Run the plan as a Job in the release's namespace and copy its JTL here."""
    options = load_options(args, entry.in_cluster_url, tokens_path)
    properties = plan_properties(options, f"{job.PLAN_DIR}/tokens.csv")
    name = f"{args.release}-loadtest"
    plan_text = (REPO_ROOT / "jmeter" / "prs.jmx").read_text(encoding="utf-8")
    tokens_text = tokens_path.read_text()
    check_config_map_size(plan_text, tokens_text)
    config_map = job.build_config_map(name, plan_text, tokens_text)
    manifest = job.build_job(name, args.jmeter_image, properties)
    timeout = options.duration_s + 600
    job.JobRunner(api_client, args.namespace, name).run(
        config_map, manifest, run_dir, timeout
    )


def check_config_map_size(plan_text, tokens_text):
    """Raise ClusterError when the plan and tokens exceed a ConfigMap's 1 MiB."""
    size = len(plan_text.encode()) + len(tokens_text.encode())
    if size > CONFIG_MAP_MAX_BYTES:
        raise ClusterError(
            f"the plan and the token file take {size / 2**20:.1f} MiB, more than "
            "the 1 MiB a ConfigMap can carry to the in-cluster JMeter Job: lower "
            "--users or --duration, or run without --in-cluster"
        )


def tool_versions(helm, api_client):
    """Return the helm, Kubernetes server and client versions for run.json."""
    from kubernetes import __version__ as client_version
    from kubernetes import client

    helm_version = subprocess.run(
        [str(helm), "version", "--short"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        server = client.VersionApi(api_client).get_code().git_version
    except sampler.TRANSIENT_ERRORS as error:
        server = f"unknown ({sampler.describe_error(error)})"
    return {
        "helm": helm_version,
        "kubernetes": server,
        "kubernetes_client": client_version,
    }


def write_run_info(result_dir, info):
    """Write run.json."""
    path = result_dir / "run.json"
    path.write_text(json.dumps(info, indent=2, default=str) + "\n", encoding="utf-8")
