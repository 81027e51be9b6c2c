"""Write the load test's token CSV for a release, signed with the release's key."""

import base64
import logging
from datetime import timedelta

from kubernetes import client

from prslab.cluster import COMPONENT_LABEL, INSTANCE_LABEL, ClusterError

logger = logging.getLogger(__name__)

# The Secret that the charts create is labelled with this component, and stores the
# signing key under this key unless auth.existingSecret names another Secret.
CREDENTIALS_COMPONENT = "credentials"
DEFAULT_SECRET_KEY = "secret-key"


def read_signing_key(api_client, namespace, release, values):
    """Return the release's token signing key from its Secret."""
    auth = values.get("auth") or {}
    if auth.get("secretKey"):
        return auth["secretKey"]

    core = client.CoreV1Api(api_client)
    existing = auth.get("existingSecret")
    key = auth.get("existingSecretKey") or DEFAULT_SECRET_KEY
    if existing:
        secrets = [core.read_namespaced_secret(existing, namespace)]
    else:
        selector = (
            f"{INSTANCE_LABEL}={release},{COMPONENT_LABEL}={CREDENTIALS_COMPONENT}"
        )
        secrets = core.list_namespaced_secret(namespace, label_selector=selector).items
        key = DEFAULT_SECRET_KEY

    for secret in secrets:
        encoded = (secret.data or {}).get(key)
        if encoded:
            return base64.b64decode(encoded).decode("utf-8")
    raise ClusterError(
        f"no Secret of release {release} in namespace {namespace} holds the key "
        f"{key!r}; check kubectl -n {namespace} get secrets "
        f"-l {INSTANCE_LABEL}={release}"
    )


def seed_options(values):
    """Return (students, seed) from the release's databaseJob.seed values."""
    seed = (values.get("databaseJob") or {}).get("seed") or {}
    return int(seed.get("students", 2000)), int(seed.get("randomSeed", 42))


def write_tokens(out, secret, students, seed, ttl_hours=24.0):
    """Write the token CSV for the students that `prs seed` generates with this seed."""
    from prs.cli import write_token_csv
    from prs.seed import generate_students, read_csv

    # The hook Job seeded the cluster's database with generate_students and the
    # same count and seed, so the same call gives the same ids and advisors.
    advisor_ids = [row["id"] for row in read_csv("advisors.csv")]
    generated = generate_students(students, seed, advisor_ids)
    pairs = [(student["id"], student["advisor_id"]) for student in generated]
    write_token_csv(out, pairs, secret, timedelta(hours=ttl_hours))
    logger.info("Wrote %d token rows to %s", len(pairs), out)
    return out
