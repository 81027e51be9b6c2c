"""Check the values schema, the chart's own validation and the lab presets."""

import subprocess
import sys

import pytest
import yaml

from helm import values_schema
from tests.charts.conftest import CHARTS, HELM_DIR, by_kind, component, helm_template

pytestmark = pytest.mark.charts

REPO_ROOT = HELM_DIR.parent
SERVICES = values_schema.SERVICE_NAMES

# chart -> the values path of one service's settings
SERVICE_KEY = {"monolith": "", "microservices": "services.add-selection."}


@pytest.mark.parametrize("chart", CHARTS)
def test_committed_schema_is_current(chart):
    committed = (HELM_DIR / chart / "values.schema.json").read_text()
    assert committed == values_schema.render(chart), (
        "values.schema.json is stale: run python helm/values_schema.py"
    )


@pytest.mark.parametrize("chart", CHARTS)
def test_negative_replicas_rejected(render_error, chart):
    key = SERVICE_KEY[chart]
    error = render_error(chart, settings=[f"{key}replicaCount=-1"])
    path = "/" + key.replace(".", "/") + "replicaCount"
    assert path in error
    assert "minimum" in error


@pytest.mark.parametrize("chart", CHARTS)
def test_unknown_key_rejected(render_error, chart):
    error = render_error(chart, settings=["replicaCont=2"])
    assert "additional properties 'replicaCont' not allowed" in error


def test_unknown_service_rejected(render_error):
    error = render_error("microservices", settings=["services.add-selections.x=1"])
    assert "'add-selections' not allowed" in error


@pytest.mark.parametrize("chart", CHARTS)
def test_wrong_type_rejected(render_error, chart):
    error = render_error(chart, settings=["ingress.enabled=yes-please"])
    assert "/ingress/enabled" in error
    assert "boolean" in error


@pytest.mark.parametrize("chart", CHARTS)
def test_max_below_min_rejected(render_error, chart):
    key = SERVICE_KEY[chart]
    settings = [
        f"{key}autoscaling.enabled=true",
        f"{key}autoscaling.minReplicas=5",
        f"{key}autoscaling.maxReplicas=2",
    ]
    error = render_error(chart, settings=settings)
    assert (
        f"{key}autoscaling.maxReplicas (2) is below {key}autoscaling.minReplicas (5)"
        in error
    )


@pytest.mark.parametrize("chart", CHARTS)
def test_autoscaling_needs_cpu_request(render_error, chart):
    key = SERVICE_KEY[chart]
    settings = [f"{key}autoscaling.enabled=true", f"{key}resources.requests.cpu=null"]
    error = render_error(chart, settings=settings)
    expected = (
        f"{key}autoscaling.enabled is true but {key}resources.requests.cpu is not set"
    )
    assert expected in error


def test_every_problem_listed_once(render_error):
    settings = [
        "postgresql.enabled=false",
        "serviceDefaults.autoscaling.enabled=true",
        "services.exam-schedule.autoscaling.minReplicas=4",
        "services.exam-schedule.autoscaling.maxReplicas=3",
        "services.drop-selection.resources.requests.cpu=null",
    ]
    error = render_error("microservices", settings=settings)
    assert error.count("Invalid values:") == 1
    assert "externalDatabase.url or externalDatabase.existingSecret" in error
    assert "services.exam-schedule.autoscaling.maxReplicas (3)" in error
    assert "services.drop-selection.resources.requests.cpu is not set" in error


@pytest.mark.parametrize("chart", CHARTS)
def test_short_secret_key_rejected(render_error, chart):
    error = render_error(chart, settings=["auth.secretKey=too-short"])
    assert "auth.secretKey has 9 characters but needs at least 32" in error


def test_service_override_beats_default(render):
    objects = render(
        "microservices",
        ["values-autoscaled.yaml"],
        ["services.add-selection.autoscaling.enabled=false"],
    )
    scaled = {
        component(hpa) for hpa in by_kind(objects, "HorizontalPodAutoscaler").values()
    }
    assert scaled == set(SERVICES) - {"add-selection"}
    deployment = by_kind(objects, "Deployment")["prs-microservices-add-selection"]
    assert deployment["spec"]["replicas"] == 1


def test_autoscaled_preset_shape(render):
    objects = render("microservices", ["values-autoscaled.yaml"])
    deployments = by_kind(objects, "Deployment")
    hpas = by_kind(objects, "HorizontalPodAutoscaler")

    assert sorted(component(hpa) for hpa in hpas.values()) == sorted(SERVICES)
    for hpa in hpas.values():
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        assert component(target) == component(hpa)
        assert "replicas" not in target["spec"]
        assert hpa["spec"]["minReplicas"] == 1
        assert hpa["spec"]["maxReplicas"] == 10
        cpu = hpa["spec"]["metrics"][0]["resource"]
        assert cpu["name"] == "cpu"
        assert cpu["target"]["averageUtilization"] == 50

    gateway = by_kind(objects, "Service")["prs-microservices-gateway"]
    assert gateway["spec"]["type"] == "NodePort"
    assert len(by_kind(objects, "StatefulSet")) == 1
    assert len(by_kind(objects, "Job")) == 1


def test_single_preset_has_no_hpa(render):
    for chart in CHARTS:
        objects = render(chart, ["values-single.yaml"])
        assert by_kind(objects, "HorizontalPodAutoscaler") == {}
        for deployment in by_kind(objects, "Deployment").values():
            assert deployment["spec"]["replicas"] == 1


def test_gateway_uses_runner_template(render):
    template = (
        REPO_ROOT / "microservices" / "gateway" / "nginx.conf.template"
    ).read_text()
    objects = render("microservices")
    config = by_kind(objects, "ConfigMap")["prs-microservices-gateway"]
    assert config["data"]["prs-gateway.conf.template"] == template


def test_gateway_sets_every_placeholder(render):
    template = (
        REPO_ROOT / "microservices" / "gateway" / "nginx.conf.template"
    ).read_text()
    objects = render("microservices")
    gateway = by_kind(objects, "Deployment")["prs-microservices-gateway"]
    env = {
        item["name"]: item["value"]
        for item in gateway["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    for name in env:
        assert "${" + name + "}" in template, name
    for service in SERVICES:
        upstream = env["UPSTREAM_" + service.upper().replace("-", "_")]
        assert upstream == f"server prs-microservices-{service}:8000;"
    assert env["GATEWAY_LISTEN"] == "8080"


def test_config_checksum_rolls_gateway(render):
    objects = render("microservices")
    gateway = by_kind(objects, "Deployment")["prs-microservices-gateway"]
    annotations = gateway["spec"]["template"]["metadata"]["annotations"]
    assert len(annotations["checksum/config"]) == 64


def test_given_secret_key_rolls_apps(render):
    def checksum(settings):
        objects = render("monolith", settings=settings)
        deployment = by_kind(objects, "Deployment")["prs-monolith"]
        return deployment["spec"]["template"]["metadata"]["annotations"][
            "checksum/secret"
        ]

    assert checksum([]) == checksum([])
    assert checksum([]) != checksum(["auth.secretKey=" + "k" * 40])


def test_long_names_keep_component(helm):
    prefix = "a-release-name-that-is-much-longer-than-anyone-would-type-x"
    settings = [f"fullnameOverride={prefix}"]
    result = helm_template(helm, "microservices", settings=settings)
    assert result.returncode == 0, result.stderr

    objects = [obj for obj in yaml.safe_load_all(result.stdout) if obj]
    for obj in objects:
        name = obj["metadata"]["name"]
        assert len(name) <= 63, name
        if obj["kind"] != "Secret":  # the one object named by the prefix alone
            assert name.endswith("-" + component(obj)), name


@pytest.mark.parametrize(
    ("chart", "settings", "expected"),
    [
        (
            "monolith",
            ["postgresql.persistence.enabled=true", "postgresql.persistence.size=null"],
            "at '/postgresql/persistence': missing property 'size'",
        ),
        (
            "monolith",
            [
                "autoscaling.enabled=true",
                "autoscaling.targetCPUUtilizationPercentage=null",
            ],
            "at '/autoscaling': missing property 'targetCPUUtilizationPercentage'",
        ),
        (
            "microservices",
            [
                "serviceDefaults.autoscaling.enabled=true",
                "serviceDefaults.autoscaling.targetCPUUtilizationPercentage=null",
            ],
            "at '/serviceDefaults/autoscaling': missing property "
            "'targetCPUUtilizationPercentage'",
        ),
        (
            "microservices",
            ["services.add-selection.autoscaling.minReplicas=null"],
            "at '/services/add-selection/autoscaling/minReplicas': got null",
        ),
        (
            "microservices",
            ["gateway.image.tag=null"],
            "at '/gateway/image': missing property 'tag'",
        ),
    ],
)
def test_null_default_rejected(render_error, chart, settings, expected):
    error = render_error(chart, settings=settings)
    assert expected in error


@pytest.mark.parametrize("chart", CHARTS)
def test_empty_third_party_tag_rejected(render_error, chart):
    error = render_error(chart, settings=["postgresql.image.tag="])
    assert "/postgresql/image/tag" in error
    assert "minLength" in error


def test_empty_gateway_tag_rejected(render_error):
    error = render_error("microservices", settings=["gateway.image.tag="])
    assert "/gateway/image/tag" in error
    assert "minLength" in error


@pytest.mark.parametrize("chart", CHARTS)
def test_seed_students_match_prs_seed(render_error, chart):
    import click

    from prs import seed
    from prs.cli import seed as seed_command

    database_job = values_schema.SCHEMAS[chart]()["properties"]["databaseJob"]
    bounds = database_job["properties"]["seed"]["properties"]["students"]
    option = next(p for p in seed_command.params if p.name == "students")
    assert isinstance(option.type, click.IntRange)
    assert bounds["minimum"] == option.type.min
    assert bounds["maximum"] == option.type.max == seed.MAX_STUDENTS

    error = render_error(
        chart, settings=[f"databaseJob.seed.students={seed.MAX_STUDENTS + 1}"]
    )
    assert "/databaseJob/seed/students" in error


def test_shared_default_node_port_rejected(render_error):
    settings = [
        "serviceDefaults.service.type=NodePort",
        "serviceDefaults.service.nodePort=30100",
    ]
    error = render_error("microservices", settings=settings)
    assert error.count("Invalid values:") == 1
    for name in ("class-schedule", "exam-schedule", "validate-plan", "drop-selection"):
        assert (
            f"services.{name}.service.nodePort (30100) equals "
            "services.add-selection.service.nodePort" in error
        )


def test_gateway_node_port_clash_rejected(render_error):
    settings = [
        "gateway.service.nodePort=30080",
        "services.exam-schedule.service.type=NodePort",
        "services.exam-schedule.service.nodePort=30080",
    ]
    error = render_error("microservices", settings=settings)
    expected = (
        "services.exam-schedule.service.nodePort (30080) equals "
        "gateway.service.nodePort"
    )
    assert expected in error


def test_distinct_node_ports_render(render):
    settings = [
        "gateway.service.nodePort=30080",
        "services.exam-schedule.service.type=NodePort",
        "services.exam-schedule.service.nodePort=30081",
    ]
    services = by_kind(render("microservices", settings=settings), "Service")
    gateway = services["prs-microservices-gateway"]["spec"]["ports"][0]
    exams = services["prs-microservices-exam-schedule"]["spec"]["ports"][0]
    assert gateway["nodePort"] == 30080
    assert exams["nodePort"] == 30081


@pytest.mark.parametrize(
    ("chart", "key"),
    [
        ("monolith", ""),
        ("microservices", "services.add-selection."),
        ("microservices", "gateway."),
    ],
)
def test_blocking_budget_rejected(render_error, chart, key):
    error = render_error(chart, settings=[f"{key}podDisruptionBudget.enabled=true"])
    expected = (
        f"{key}podDisruptionBudget.minAvailable (1) is not below {key}replicaCount (1)"
    )
    assert expected in error


def test_zero_max_unavailable_rejected(render_error):
    settings = [
        "podDisruptionBudget.enabled=true",
        "podDisruptionBudget.maxUnavailable=0",
        "replicaCount=3",
    ]
    error = render_error("monolith", settings=settings)
    assert "podDisruptionBudget.maxUnavailable is 0" in error


@pytest.mark.parametrize(
    "settings",
    [
        ["podDisruptionBudget.enabled=true", "replicaCount=2"],
        ["podDisruptionBudget.enabled=true", "podDisruptionBudget.maxUnavailable=1"],
    ],
)
def test_evictable_budget_renders(render, settings):
    budgets = by_kind(render("monolith", settings=settings), "PodDisruptionBudget")
    assert list(budgets) == ["prs-monolith"]


def test_schema_script_prints_help():
    before = {
        c: (HELM_DIR / c / "values.schema.json").stat().st_mtime_ns for c in CHARTS
    }
    result = run_schema_script("--help")
    after = {
        c: (HELM_DIR / c / "values.schema.json").stat().st_mtime_ns for c in CHARTS
    }

    assert result.returncode == 0, result.stderr
    assert "--check" in result.stdout
    assert "wrote" not in result.stdout
    assert after == before


def test_schema_script_check_passes():
    result = run_schema_script("--check")
    assert result.returncode == 0, result.stderr


def test_schema_check_finds_stale(monkeypatch, tmp_path, capsys):
    for chart in CHARTS:
        (tmp_path / chart).mkdir()
        (tmp_path / chart / "values.schema.json").write_text("{}\n")
    monkeypatch.setattr(values_schema, "HELM_DIR", tmp_path)

    assert values_schema.main(["--check"]) == 1
    assert "values.schema.json is stale" in capsys.readouterr().err
    assert (tmp_path / "monolith" / "values.schema.json").read_text() == "{}\n"


def run_schema_script(*args):
    """Run helm/values_schema.py with this Python and return the process."""
    command = [sys.executable, str(HELM_DIR / "values_schema.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)
