"""Read the app configuration from the environment (12-factor)."""

import logging
import os
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "prs.sqlite3"

# A fixed key that every development process shares, so tokens issued by
# `prs issue-tokens` work against any local app. Never use it in production.
DEVELOPMENT_SECRET_KEY = "prs-development-key-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32
ENVIRONMENTS = ("development", "production")

# Request bodies are two short fields, so 16 KiB leaves ample room.
MAX_CONTENT_LENGTH = 16 * 1024

# Each app process opens at most pool size + overflow connections. Lower them
# when many replicas share one PostgreSQL server (max_connections is 100 by
# default).
POOL_VARIABLES = {
    "PRS_DB_POOL_SIZE": "pool_size",
    "PRS_DB_MAX_OVERFLOW": "max_overflow",
}

# Seconds each process keeps the class catalogue, which only seeding changes,
# and the seat counts of the class schedule in memory; 0 reads them on every
# request. Stale seat counts are safe because adding checks the database.
DEFAULT_CATALOGUE_TTL_SECONDS = 60.0
DEFAULT_SEATS_TTL_SECONDS = 1.0

_dev_key_warning_logged = False


class ConfigError(RuntimeError):
    """An environment variable is missing or invalid."""


def default_database_url() -> str:
    """Return the SQLite URL of the default local database file."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_config(environ: Mapping[str, str] | None = None) -> dict:
    """Build the Flask config from environment variables, failing on bad values."""
    environ = os.environ if environ is None else environ
    env = environ.get("PRS_ENV", "development").strip() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"PRS_ENV must be 'development' or 'production', not {env!r}."
        )

    return {
        "PRS_ENV": env,
        "SECRET_KEY": read_secret_key(environ, env),
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL")
        or default_database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(environ),
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "CATALOGUE_TTL_SECONDS": read_seconds(
            environ, "PRS_CATALOGUE_TTL_SECONDS", DEFAULT_CATALOGUE_TTL_SECONDS
        ),
        "SEATS_TTL_SECONDS": read_seconds(
            environ, "PRS_SEATS_TTL_SECONDS", DEFAULT_SEATS_TTL_SECONDS
        ),
        "JSON_SORT_KEYS": False,
    }


def engine_options(environ: Mapping[str, str]) -> dict:
    """Return the SQLAlchemy pool options, sized by PRS_DB_POOL_SIZE if set."""
    # Pre-ping replaces connections that a database restart has closed.
    options = {"pool_pre_ping": True}
    for variable, option in POOL_VARIABLES.items():
        value = environ.get(variable, "").strip()
        if not value:
            continue
        if not value.isdigit():
            raise ConfigError(f"{variable} must be a whole number, not {value!r}.")
        options[option] = int(value)
    return options


def read_seconds(environ: Mapping[str, str], variable: str, default: float) -> float:
    """Return a non-negative number of seconds from `variable`, or the default."""
    value = environ.get(variable, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"{variable} must be seconds >= 0, not {value!r}.")
    return seconds


def read_secret_key(environ: Mapping[str, str], env: str) -> str:
    """Return PRS_SECRET_KEY, or the development key outside production."""
    key = environ.get("PRS_SECRET_KEY", "")
    if key:
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"PRS_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters "
                f"long for HS256, but it has {len(key)}."
            )
        return key

    if env == "production":
        raise ConfigError(
            "PRS_SECRET_KEY is required when PRS_ENV=production: set it to a random "
            f"string of at least {MIN_SECRET_KEY_LENGTH} characters, for example "
            "the output of `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )

    warn_development_key()
    return DEVELOPMENT_SECRET_KEY


def warn_development_key() -> None:
    """Log once per process that tokens are signed with the public development key."""
    global _dev_key_warning_logged
    if not _dev_key_warning_logged:
        _dev_key_warning_logged = True
        logger.warning(
            "PRS_SECRET_KEY is not set: signing tokens with the public development "
            "key (set PRS_ENV=production and PRS_SECRET_KEY outside development)."
        )
