"""Configuration from the environment."""

import pytest

from prs.config import DEVELOPMENT_SECRET_KEY, ConfigError, load_config

STRONG_KEY = "k" * 40


def test_production_without_key_fails():
    with pytest.raises(ConfigError, match="PRS_SECRET_KEY is required"):
        load_config({"PRS_ENV": "production"})


def test_production_with_key_loads():
    config = load_config({"PRS_ENV": "production", "PRS_SECRET_KEY": STRONG_KEY})

    assert config["SECRET_KEY"] == STRONG_KEY
    assert config["PRS_ENV"] == "production"


def test_short_key_rejected():
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_config({"PRS_SECRET_KEY": "short"})


def test_development_uses_fixed_key():
    config = load_config({})

    assert config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("var/prs.sqlite3")


def test_unknown_environment_rejected():
    with pytest.raises(ConfigError, match="PRS_ENV"):
        load_config({"PRS_ENV": "staging"})


def test_database_url_from_environment():
    config = load_config({"DATABASE_URL": "postgresql+psycopg2://u:p@127.0.0.1/prs"})

    assert (
        config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://u:p@127.0.0.1/prs"
    )
    assert config["MAX_CONTENT_LENGTH"] == 16 * 1024


def test_pool_size_from_environment():
    config = load_config({"PRS_DB_POOL_SIZE": "3", "PRS_DB_MAX_OVERFLOW": "0"})

    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True, "pool_size": 3, "max_overflow": 0}


def test_bad_pool_size_rejected():
    with pytest.raises(ConfigError, match="PRS_DB_POOL_SIZE"):
        load_config({"PRS_DB_POOL_SIZE": "many"})
