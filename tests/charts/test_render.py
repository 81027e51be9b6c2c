"""Render both charts over a matrix of values and check the objects."""

import functools
import subprocess

import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

from tests.charts.conftest import CHARTS, HELM_DIR, by_kind, component

pytestmark = pytest.mark.charts

# Every minor version from 1.29 to 1.37, the newest that the pinned
# kubernetes-validate 1.37.0 ships schemas for.
KUBERNETES_VERSIONS = [f"1.{minor}.0" for minor in range(29, 38)]

# kubernetes-validate parses the same large schema files on every call; they are
# read-only, so parsing each once keeps the matrix fast.
kubernetes_validate.utils.schema_contents = functools.cache(
    kubernetes_validate.utils.schema_contents
)

EXTERNAL_URL = "externalDatabase.url=postgresql+psycopg2://prs:pw@db.example:5432/prs"


def app_settings(chart, setting):
    """Prefix a per-app setting with the key under which `chart` keeps app settings."""
    return setting if chart == "monolith" else f"serviceDefaults.{setting}"


# name -> (values files, settings built per chart)
MATRIX = {
    "defaults": ((), lambda chart: []),
    "single": (("values-single.yaml",), lambda chart: []),
    "autoscaled": (("values-autoscaled.yaml",), lambda chart: []),
    "autoscaled-memory": (
        ("values-autoscaled.yaml",),
        lambda chart: [
            app_settings(chart, "autoscaling.targetMemoryUtilizationPercentage=80")
        ],
    ),
    "ingress": (
        (),
        lambda chart: [
            "ingress.enabled=true",
            "ingress.host=prs.example",
            "ingress.className=nginx",
        ],
    ),
    "external-url": ((), lambda chart: ["postgresql.enabled=false", EXTERNAL_URL]),
    "external-secret": (
        ("values-autoscaled.yaml",),
        lambda chart: [
            "postgresql.enabled=false",
            "externalDatabase.existingSecret=prs-database",
            "auth.existingSecret=prs-signing-key",
            "ingress.enabled=true",
        ],
    ),
    "persistence": (
        (),
        lambda chart: [
            "postgresql.persistence.enabled=true",
            "postgresql.persistence.storageClass=local-path",
            "postgresql.persistence.size=2Gi",
        ],
    ),
    "policies": (
        ("values-autoscaled.yaml",),
        lambda chart: [
            "networkPolicy.enabled=true",
            app_settings(chart, "podDisruptionBudget.enabled=true"),
        ],
    ),
}

CASES = [(chart, name) for chart in CHARTS for name in MATRIX]


def render_case(render, chart, name):
    """Render one chart with one matrix entry."""
    values_files, settings = MATRIX[name]
    return render(chart, values_files, settings(chart))


@pytest.fixture(scope="module", params=CASES, ids=[f"{c}-{n}" for c, n in CASES])
def rendered(request, render):
    """Return (chart, matrix entry, rendered objects) for each case."""
    chart, name = request.param
    return chart, name, render_case(render, chart, name)


def pod_templates(objects):
    """Return (owner name, pod spec, pod labels) of every workload and pod."""
    found = []
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "Job"):
            template = obj["spec"]["template"]
            name = obj["metadata"]["name"]
            found.append((name, template["spec"], template["metadata"]["labels"]))
        elif obj["kind"] == "Pod":
            found.append(
                (obj["metadata"]["name"], obj["spec"], obj["metadata"]["labels"])
            )
    return found


def app_deployments(objects):
    """Return the Deployments that run gunicorn, keyed by name."""
    return {
        name: obj
        for name, obj in by_kind(objects, "Deployment").items()
        if component(obj) != "gateway"
    }


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_objects_validate_strictly(rendered, version):
    chart, name, objects = rendered
    for obj in objects:
        label = f"{chart}/{name}: {obj['kind']} {obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{label} is invalid for Kubernetes {version}: {error.message}")


def test_hpa_targets_own_deployment(rendered):
    _, _, objects = rendered
    deployments = by_kind(objects, "Deployment")
    for name, hpa in by_kind(objects, "HorizontalPodAutoscaler").items():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment"
        assert target["name"] == name
        assert target["name"] in deployments
        assert component(deployments[target["name"]]) == component(hpa)


def test_no_replicas_under_hpa(rendered):
    _, _, objects = rendered
    scaled = by_kind(objects, "HorizontalPodAutoscaler")
    for name, deployment in app_deployments(objects).items():
        if name in scaled:
            assert "replicas" not in deployment["spec"], name
        else:
            assert deployment["spec"]["replicas"] >= 0, name


def test_selectors_match_pod_labels(rendered):
    _, _, objects = rendered
    for kind in ("Deployment", "StatefulSet"):
        for name, obj in by_kind(objects, kind).items():
            selector = obj["spec"]["selector"]["matchLabels"]
            labels = obj["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= labels.items(), name


def test_services_select_one_workload(rendered):
    _, _, objects = rendered
    pods = [
        (name, labels)
        for name, _, labels in pod_templates(objects)
        if not name.endswith(("database-setup", "smoke-test"))
    ]
    for name, service in by_kind(objects, "Service").items():
        selector = service["spec"]["selector"]
        matches = [
            owner for owner, labels in pods if selector.items() <= labels.items()
        ]
        assert matches == [name], f"Service {name} selects {matches}"


def test_target_ports_match_containers(rendered):
    _, _, objects = rendered
    specs = {name: spec for name, spec, _ in pod_templates(objects)}
    for name, service in by_kind(objects, "Service").items():
        container_ports = {
            port["name"]: port["containerPort"]
            for container in specs[name]["containers"]
            for port in container.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in container_ports, (name, port)


def test_probes_use_named_port(rendered):
    _, _, objects = rendered
    for name, deployment in by_kind(objects, "Deployment").items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        liveness = container["livenessProbe"]["httpGet"]
        readiness = container["readinessProbe"]["httpGet"]
        assert liveness["port"] == "http", name
        assert readiness["port"] == "http", name
        assert liveness["path"] == "/healthz", name
        if component(deployment) != "gateway":
            assert readiness["path"] == "/readyz", name


def test_apps_share_database_and_secret(rendered):
    _, _, objects = rendered
    shared = ("PRS_ENV", "PRS_SECRET_KEY", "DATABASE_URL", "DATABASE_PASSWORD")
    seen = {}
    for name, spec, _ in pod_templates(objects):
        if name.endswith(("gateway", "postgresql")):
            continue
        env = {item["name"]: item for item in spec["containers"][0]["env"]}
        seen[name] = {key: env.get(key) for key in shared}
    assert len(seen) >= 3  # apps, the schema Job and the test pod
    first = next(iter(seen.values()))
    assert first["PRS_SECRET_KEY"]["valueFrom"]["secretKeyRef"]
    assert first["DATABASE_URL"]
    for name, references in seen.items():
        assert references == first, name


def test_pods_run_read_only_non_root(rendered):
    _, _, objects = rendered
    for name, spec, _ in pod_templates(objects):
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
            assert "/tmp" in mounts, name


def test_hook_job_annotations(rendered):
    _, _, objects = rendered
    jobs = by_kind(objects, "Job")
    assert len(jobs) == 1
    annotations = next(iter(jobs.values()))["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "post-install,post-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]


def job_script(objects):
    """Return the shell script of the release's one hook Job."""
    job = next(iter(by_kind(objects, "Job").values()))
    return job["spec"]["template"]["spec"]["containers"][0]["command"][-1]


def test_hook_job_seeds_only_once(rendered):
    _, _, objects = rendered
    script = job_script(objects)
    assert "prs init-db" in script
    assert "prs seed --if-empty" in script
    assert "reset-db" not in script


@pytest.mark.parametrize("chart", CHARTS)
def test_reset_job_reseeds_every_time(render, chart):
    settings = ["databaseJob.reset=true", "databaseJob.seed.students=12345"]
    objects = render(chart, ["values-autoscaled.yaml"], settings)
    script = job_script(objects)
    job = next(iter(by_kind(objects, "Job").values()))
    env = {
        item["name"]: item.get("value")
        for item in job["spec"]["template"]["spec"]["containers"][0]["env"]
    }

    assert (
        'prs reset-db --students "$SEED_STUDENTS" --seed "$SEED_RANDOM_SEED"' in script
    )
    assert "prs seed" not in script
    assert env["SEED_STUDENTS"] == "12345"
    assert env["SEED_RANDOM_SEED"] == "42"


@pytest.mark.parametrize("chart", CHARTS)
def test_reset_leaves_workloads_unchanged(render, chart):
    # An upgrade that only switches the reset and the seed size must neither
    # roll the pods nor give the Deployments a replicas count that would
    # override the HPA's, and the Secret must still come from the same inputs.
    def workloads(settings):
        objects = render(chart, ["values-autoscaled.yaml"], settings)
        kinds = ("Deployment", "StatefulSet", "HorizontalPodAutoscaler")
        return {kind: by_kind(objects, kind) for kind in kinds}

    plain = workloads([])
    reset = workloads(["databaseJob.reset=true", "databaseJob.seed.students=50000"])

    assert reset == plain
    for deployment in reset["Deployment"].values():
        if component(deployment) != "gateway":
            assert "replicas" not in deployment["spec"]


def test_statefulset_name_fits_revision_label(helm):
    release = "r" * 53  # the maximum release name length of Helm
    command = [str(helm), "template", release, str(HELM_DIR / "microservices")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    objects = [obj for obj in yaml.safe_load_all(result.stdout) if obj]

    (statefulset,) = by_kind(objects, "StatefulSet").values()
    name = statefulset["metadata"]["name"]
    # The controller labels pods with "<name>-<hash of up to 10 characters>".
    assert len(name) <= 52, name
    assert name.endswith("-postgresql")
    assert statefulset["spec"]["serviceName"] in by_kind(objects, "Service")


def test_prestop_pause_inside_grace_period(rendered):
    _, _, objects = rendered
    for name, deployment in by_kind(objects, "Deployment").items():
        spec = deployment["spec"]["template"]["spec"]
        command = spec["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
        assert command[0] == "/bin/sleep", name
        assert int(command[1]) == 5, name
        assert int(command[1]) < spec["terminationGracePeriodSeconds"], name


@pytest.mark.parametrize("chart", CHARTS)
def test_zero_prestop_pause_renders_none(render, chart):
    setting = app_settings(chart, "preStopSleepSeconds=0")
    objects = render(chart, settings=[setting])
    for name, deployment in app_deployments(objects).items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert "lifecycle" not in container, name


def test_test_pod_runs_smoke_flow(rendered):
    chart, _, objects = rendered
    pods = by_kind(objects, "Pod")
    assert len(pods) == 1
    pod = next(iter(pods.values()))
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    command = pod["spec"]["containers"][0]["command"]
    entry = "gateway" if chart == "microservices" else "prs-monolith"
    assert command[:4] == ["python", "-m", "prs.smoke", "--url"]
    assert entry in command[4]


def test_database_matches_values(rendered):
    _, name, objects = rendered
    statefulsets = by_kind(objects, "StatefulSet")
    if name.startswith("external"):
        assert statefulsets == {}
        return
    assert len(statefulsets) == 1
    database = next(iter(statefulsets.values()))
    claims = database["spec"].get("volumeClaimTemplates", [])
    if name == "persistence":
        assert claims[0]["spec"]["resources"]["requests"]["storage"] == "2Gi"
        assert claims[0]["spec"]["storageClassName"] == "local-path"
    else:
        assert claims == []
