"""The app factory, readiness, request logging and the last-resort handler."""


import pytest

from prs.app import create_app
from prs.db import db
from prs.seed import create_schema


@pytest.fixture
def url(tmp_path):
    """Return the URL of an empty SQLite file."""
    return f"sqlite:///{tmp_path}/app.sqlite3"


def test_single_operation_app_routes(url):
    app = create_app(["exams"], config={"SQLALCHEMY_DATABASE_URI": url})
    rules = {rule.rule for rule in app.url_map.iter_rules()}

    assert "/api/exams" in rules
    assert "/api/classes" not in rules
    assert {"/healthz", "/readyz"} <= rules


def test_unknown_operation_rejected(url):
    with pytest.raises(ValueError, match="grades"):
        create_app(["grades"], config={"SQLALCHEMY_DATABASE_URI": url})


def test_readiness_waits_for_schema(url):
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()

    before = client.get("/readyz")
    with app.app_context():
        create_schema()
    after = client.get("/readyz")

    assert before.status_code == 503
    assert before.json["error"]["code"] == "not_ready"
    assert "prs init-db" in before.json["error"]["message"]
    assert after.status_code == 200


def test_readiness_without_database_server():
    url = "sqlite:////nonexistent-folder/prs.sqlite3"
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["error"]["code"] == "not_ready"


def test_unexpected_error_returns_json(url, caplog):
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "kaput" not in response.get_data(as_text=True)
    assert "kaput" in caplog.text


def test_request_id_echoed(url):
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})

    response = app.test_client().get("/healthz", headers={"X-Request-ID": "req-42"})

    assert response.headers["X-Request-ID"] == "req-42"


def test_injected_request_id_replaced(url):
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})

    response = app.test_client().get(
        "/healthz", headers={"X-Request-ID": "bad id forged=log line"}
    )

    assert response.headers["X-Request-ID"] != "bad id forged=log line"
    assert len(response.headers["X-Request-ID"]) == 32


def test_sqlite_uses_wal(url):
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})

    with app.app_context():
        mode = db.session.execute(db.text("PRAGMA journal_mode")).scalar()
        timeout = db.session.execute(db.text("PRAGMA busy_timeout")).scalar()

    assert mode == "wal"
    assert timeout == 30_000
