"""Write values.schema.json of both charts from one set of definitions.

Run `python helm/values_schema.py` after changing a chart's values; the chart
tests fail when a committed schema differs from what this script writes.
"""

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


def closed(properties, required=(), description=None):
    """Return an object schema that rejects keys outside `properties`."""
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
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
        "tag": {"type": ["string", "number"]},
        "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
    }
)

RESOURCE_LIST = {
    "type": ["object", "null"],
    "additionalProperties": QUANTITY,
}
RESOURCES = closed({"requests": RESOURCE_LIST, "limits": RESOURCE_LIST})

PROBE = closed(
    {
        "initialDelaySeconds": integer(0),
        "periodSeconds": integer(1),
        "timeoutSeconds": integer(1),
        "failureThreshold": integer(1),
        "successThreshold": integer(1),
    }
)

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
            "image": IMAGE,
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
            "seed": closed({"students": integer(1), "randomSeed": integer(0)}),
            "resources": RESOURCES,
        }
    ),
    "networkPolicy": closed({"enabled": BOOLEAN}),
}

GATEWAY = closed(
    {
        "image": IMAGE,
        "replicaCount": integer(0),
        "containerPort": integer(1025, 65535),
        "service": SERVICE,
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
        **closed(properties),
    }


def monolith_schema():
    """Return the values schema of the monolith chart."""
    return chart_schema(
        "PRS monolith chart values", {**SHARED_PROPERTIES, **APP_PROPERTIES}
    )


def microservices_schema():
    """Return the values schema of the microservices chart."""
    # null as well as {}, so `services.add-selection:` with nothing under it is valid.
    service_override = {**closed(APP_PROPERTIES), "type": ["object", "null"]}
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


def main():
    """Write values.schema.json into each chart folder."""
    for chart in SCHEMAS:
        path = HELM_DIR / chart / "values.schema.json"
        path.write_text(render(chart))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
