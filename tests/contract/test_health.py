"""Health checks, request ids and OpenAPI conformance of errors."""


def test_liveness_reports_ok(api):
    response = api.get("/healthz")

    assert response.status == 200
    assert response.json == {"status": "ok"}


def test_readiness_reports_ready(api):
    response = api.get("/readyz")

    assert response.status == 200
    assert response.json == {"status": "ready"}


def test_request_id_echoed_back(api):
    response = api.get("/api/classes", headers={"X-Request-ID": "abc-123"})

    assert response.headers["X-Request-ID"] == "abc-123"


def test_request_id_generated_when_absent(api):
    first = api.get("/healthz").headers.get("X-Request-ID")
    second = api.get("/healthz").headers.get("X-Request-ID")

    assert first
    assert second
    assert first != second
