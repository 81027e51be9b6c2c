"""Write values.schema.json of both charts from one set of definitions.

Run `python helm/values_schema.py` after changing a chart's values. With
`--check` it writes nothing and exits 1 when a committed schema differs, as the
chart tests do.
"""

import argparse
import copy
import json
import sys
from pathlib import Path

HELM_DIR = Path(__file__).resolve().parent
SERVICE_NAMES = [
    "class-schedule",
    "exam-schedule",
    "add-selection",
    "validate-plan",
    "drop-selection",
]
# The range that `prs seed --students` accepts (prs.seed.MAX_STUDENTS).
MAX_STUDENTS = 99_999
# Top-level keys that Helm adds to the values itself.
HELM_KEYS = ("global", "prs-common")


def closed(properties, optional=()):
    """Return an object schema that rejects unknown keys and requires the rest.

    Helm deletes a key that a user sets to null from the defaults, so a key that
    values.yaml sets must be required for `--set key=null` to fail. Keys whose
    schema allows null, and those in `optional`, are not required.
    """
    required = [
        key
        for key, schema in properties.items()
        if key not in optional and not allows_null(schema)
    ]
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = required
    return schema


def allows_null(schema):
    """Return True when a schema accepts null."""
    kinds = schema.get("type")
    return kinds == "null" or (isinstance(kinds, list) and "null" in kinds)


def without_required(schema):
    """Return a copy of a schema that requires no key at any depth."""
    schema = copy.deepcopy(schema)
    schema.pop("required", None)
    for key, value in schema.get("properties", {}).items():
        schema["properties"][key] = without_required(value)
    return schema


def integer(minimum=None, maximum=None, nullable=False):
    """Return an integer schema with optional bounds."""
    schema = {"type": ["integer", "null"] if nullable else "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
FREE_OBJECT = {"type": "object"}
FREE_LIST = {"type": "array"}
PORT = integer(1, 65535)
QUANTITY = {"type": ["string", "number", "null"]}
NODE_PORT = integer(30000, 32767, nullable=True)

IMAGE = closed(
    {
        "repository": {"type": "string", "minLength": 1},
        # Empty means the chart's appVersion.
        "tag": {"type": ["string", "number"]},
        "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
    }
)
# A third-party image (nginx, postgres): the chart's appVersion is no tag for it.
PINNED_IMAGE = closed(
    {**IMAGE["properties"], "tag": {"type": ["string", "number"], "minLength": 1}}
)
# Seconds of the preStop pause; 0 turns it off.
PRE_STOP_SLEEP = integer(0, 60)

RESOURCE_LIST = {
    "type": ["object", "null"],
    "additionalProperties": QUANTITY,
}
RESOURCES = closed({"requests": RESOURCE_LIST, "limits": RESOURCE_LIST})

PROBE_TIMING = {
    "initialDelaySeconds": integer(0),
    "periodSeconds": integer(1),
    "timeoutSeconds": integer(1),
    "failureThreshold": integer(1),
    "successThreshold": integer(1),
}
# Kubernetes has a default for each probe field.
PROBE = closed(PROBE_TIMING, optional=PROBE_TIMING)

SERVICE = closed(
    {
        "type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
        "port": PORT,
        "nodePort": NODE_PORT,
    }
)

GUNICORN = closed(
    {
        "workers": integer(1),
        "threads": integer(1),
        "timeout": integer(1),
        "gracefulTimeout": integer(0),
    }
)

AUTOSCALING = closed(
    {
        "enabled": BOOLEAN,
        "minReplicas": integer(1),
        "maxReplicas": integer(1),
        "targetCPUUtilizationPercentage": integer(1),
        "targetMemoryUtilizationPercentage": integer(1, nullable=True),
        "behavior": FREE_OBJECT,
    }
)

DISRUPTION_BUDGET = closed(
    {
        "enabled": BOOLEAN,
        "minAvailable": {"type": ["integer", "string", "null"]},
        "maxUnavailable": {"type": ["integer", "string", "null"]},
    }
)

# Settings of one gunicorn app: the monolith's top level, serviceDefaults and
# each services.<name> entry.
APP_PROPERTIES = {
    "replicaCount": integer(0),
    "containerPort": PORT,
    "service": SERVICE,
    "gunicorn": GUNICORN,
    "resources": RESOURCES,
    "livenessProbe": PROBE,
    "readinessProbe": PROBE,
    "preStopSleepSeconds": PRE_STOP_SLEEP,
    "autoscaling": AUTOSCALING,
    "podDisruptionBudget": DISRUPTION_BUDGET,
    "podAnnotations": FREE_OBJECT,
    "podLabels": FREE_OBJECT,
    "extraEnv": FREE_LIST,
    "nodeSelector": FREE_OBJECT,
    "tolerations": FREE_LIST,
    "affinity": FREE_OBJECT,
}

EXISTING_SECRET = {"existingSecret": STRING, "existingSecretKey": STRING}

SHARED_PROPERTIES = {
    # Helm adds `global`, and a key per subchart such as the vendored library.
    "global": FREE_OBJECT,
    "prs-common": FREE_OBJECT,
    "nameOverride": STRING,
    "fullnameOverride": STRING,
    "image": IMAGE,
    "imagePullSecrets": FREE_LIST,
    "prsEnv": {"enum": ["production", "development"]},
    "podSecurityContext": FREE_OBJECT,
    "securityContext": FREE_OBJECT,
    "auth": closed({"secretKey": STRING, **EXISTING_SECRET}),
    "ingress": closed(
        {
            "enabled": BOOLEAN,
            "className": STRING,
            "host": STRING,
            "annotations": FREE_OBJECT,
            "tls": FREE_LIST,
        }
    ),
    "postgresql": closed(
        {
            "enabled": BOOLEAN,
            "image": PINNED_IMAGE,
            "auth": closed(
                {
                    "username": {"type": "string", "minLength": 1},
                    "database": {"type": "string", "minLength": 1},
                    "password": STRING,
                    **EXISTING_SECRET,
                }
            ),
            "persistence": closed(
                {
                    "enabled": BOOLEAN,
                    "storageClass": STRING,
                    "size": {"type": "string", "minLength": 1},
                    "accessModes": {"type": "array", "items": STRING, "minItems": 1},
                }
            ),
            "resources": RESOURCES,
            "podSecurityContext": FREE_OBJECT,
            "securityContext": FREE_OBJECT,
        }
    ),
    "externalDatabase": closed({"url": STRING, **EXISTING_SECRET}),
    "databaseJob": closed(
        {
            "waitTimeoutSeconds": integer(1),
            "activeDeadlineSeconds": integer(1),
            "backoffLimit": integer(0),
            "reset": BOOLEAN,
            "seed": closed(
                {"students": integer(0, MAX_STUDENTS), "randomSeed": integer(0)}
            ),
            "resources": RESOURCES,
        }
    ),
    "networkPolicy": closed({"enabled": BOOLEAN}),
}

GATEWAY = closed(
    {
        "image": PINNED_IMAGE,
        "replicaCount": integer(0),
        "containerPort": integer(1025, 65535),
        "service": SERVICE,
        "preStopSleepSeconds": PRE_STOP_SLEEP,
        "resources": RESOURCES,
        "podSecurityContext": FREE_OBJECT,
        "securityContext": FREE_OBJECT,
        "podDisruptionBudget": DISRUPTION_BUDGET,
        "podAnnotations": FREE_OBJECT,
        "nodeSelector": FREE_OBJECT,
        "tolerations": FREE_LIST,
        "affinity": FREE_OBJECT,
    }
)


def chart_schema(title, properties):
    """Wrap the top-level properties of one chart in a draft-07 schema."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        **closed(properties, optional=HELM_KEYS),
    }


def monolith_schema():
    """Return the values schema of the monolith chart."""
    return chart_schema(
        "PRS monolith chart values", {**SHARED_PROPERTIES, **APP_PROPERTIES}
    )


def microservices_schema():
    """Return the values schema of the microservices chart."""
    # null as well as {}, so `services.add-selection:` with nothing under it is valid.
    # An override sets only the keys it changes, so it requires none.
    service_override = {
        **without_required(closed(APP_PROPERTIES)),
        "type": ["object", "null"],
    }
    services = closed({name: service_override for name in SERVICE_NAMES})
    properties = {
        **SHARED_PROPERTIES,
        "serviceDefaults": closed(APP_PROPERTIES),
        "services": services,
        "gateway": GATEWAY,
    }
    return chart_schema("PRS microservices chart values", properties)


SCHEMAS = {"monolith": monolith_schema, "microservices": microservices_schema}


def render(chart):
    """Return the schema text of `chart` as the committed file contains it."""
    return json.dumps(SCHEMAS[chart](), indent=2) + "\n"


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python helm/values_schema.py",
        description="Write values.schema.json of the monolith and microservices "
        "charts from the definitions in this script.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a committed schema differs",
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Write values.schema.json into each chart folder, or check them."""
    args = parse_args(argv)
    stale = []
    for chart in SCHEMAS:
        path = HELM_DIR / chart / "values.schema.json"
        if args.check:
            if not path.is_file() or path.read_text() != render(chart):
                stale.append(path)
            continue
        path.write_text(render(chart))
        print(f"wrote {path}")

    for path in stale:
        print(f"{path} is stale: run python helm/values_schema.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
