"""The `prslab cluster-run` command: one measured run of a chart on a cluster."""

import argparse
import json
import logging
import platform
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from kubernetes import config

from prslab import REPO_ROOT
from prslab.cluster import ClusterError, job, release, sampler, tokens
from prslab.cluster.entrypoint import ENTRY_COMPONENTS, find_entry_point
from prslab.tools.helm import find_helm

logger = logging.getLogger(__name__)

DEFAULT_JMETER_IMAGE = "justb4/jmeter:5.5"


def parse_interval(text):
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
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"interval {text!r} must be positive")
    return seconds


def register(subparsers):
    """Add the cluster-run subcommand."""
    parser = subparsers.add_parser(
        "cluster-run",
        help="install a chart on a cluster, load-test it and sample pods and HPAs",
        description="Install or upgrade a chart with a preset, run the Taurus plan "
        "against its entry point, sample pods and HPAs, and write a report.",
    )
    parser.add_argument("--chart", required=True, choices=sorted(ENTRY_COMPONENTS))
    parser.add_argument("--preset", required=True, choices=release.PRESETS)
    parser.add_argument("--release", default="prs", help="Helm release name")
    parser.add_argument("--namespace", default="prs", help="namespace of the release")
    parser.add_argument(
        "--kubeconfig", type=Path, help="kubeconfig (default: kubectl's)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="sets",
        help="extra helm --set value, e.g. image.repository=...; repeatable",
    )
    parser.add_argument(
        "--in-cluster",
        action="store_true",
        help="run JMeter as a Job inside the cluster instead of on this machine",
    )
    parser.add_argument(
        "--jmeter-image",
        default=DEFAULT_JMETER_IMAGE,
        help="JMeter image for --in-cluster",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users")
    parser.add_argument("--ramp-up", default="30s", help="ramp-up time, e.g. 30s")
    parser.add_argument("--duration", default="2m", help="hold time, e.g. 2m")
    parser.add_argument("--scenario", default="session", help="plan scenario to run")
    parser.add_argument(
        "--sample-interval",
        type=parse_interval,
        default=5.0,
        help="seconds between samples of pods and HPAs, e.g. 5s",
    )
    parser.add_argument(
        "--wait-timeout",
        type=parse_interval,
        default=600.0,
        help="how long to wait for the Deployments, e.g. 10m",
    )
    parser.add_argument(
        "--skip-install",
        action="store_true",
        help="measure the installed release without helm upgrade",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "results",
        help="folder that gets the <timestamp>/ result folder",
    )
    parser.set_defaults(func=cluster_run)


def cluster_run(args):
    """Install, wait, load-test and sample one release, then build the report."""
    api_client = config.new_client_from_config(
        config_file=str(args.kubeconfig) if args.kubeconfig else None
    )
    helm = find_helm()
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
    from prslab.report import build_report

    build_report(result_dir)
    print(f"Report: {result_dir / 'report.md'}")
    return 0


def measure(args, api_client, helm, run_dir):
    """Install the release, then load and sample it; return run.json's content."""
    started = datetime.now().astimezone()
    if not args.skip_install:
        release.install_release(
            helm,
            args.chart,
            args.preset,
            args.release,
            args.namespace,
            args.kubeconfig,
            args.sets,
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

    ramp_up = int(parse_interval(args.ramp_up))
    return LoadOptions(
        url=url,
        scenario=args.scenario,
        users=args.users,
        ramp_up_s=ramp_up,
        # prs.yml counts the ramp-up inside the duration; --duration is the hold.
        duration_s=ramp_up + int(parse_interval(args.duration)),
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
    config_map = job.build_config_map(name, plan_text, tokens_path.read_text())
    manifest = job.build_job(name, args.jmeter_image, properties)
    timeout = options.duration_s + 600
    job.JobRunner(api_client, args.namespace, name).run(
        config_map, manifest, run_dir, timeout
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
