"""Bad input gets a JSON error with the right status and changes nothing."""

import json

import pytest

GOOD_BODY = {"student_id": "S00020", "class_id": 1}
JSON = {"Content-Type": "application/json"}

SELECTION_CASES = [
    (
        "text body",
        {"data": json.dumps(GOOD_BODY), "headers": {"Content-Type": "text/plain"}},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "no content type",
        {"data": json.dumps(GOOD_BODY)},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "truncated json",
        {"data": '{"student_id": "S00020",', "headers": JSON},
        400,
        "bad_json",
        None,
    ),
    ("empty body", {"data": "", "headers": JSON}, 400, "bad_json", None),
    (
        "nan",
        {"data": '{"student_id": "S00020", "class_id": NaN}', "headers": JSON},
        400,
        "bad_json",
        None,
    ),
    (
        "too many digits",
        {"data": '{"class_id": ' + "9" * 5000 + "}", "headers": JSON},
        400,
        "bad_json",
        None,
    ),
    (
        "deep nesting",
        {"data": "[" * 5000 + "]" * 5000, "headers": JSON},
        400,
        "bad_json",
        None,
    ),
    (
        "bad utf-8",
        {"data": b'{"student_id": "\xff"}', "headers": JSON},
        400,
        "bad_json",
        None,
    ),
    ("array body", {"json": [GOOD_BODY]}, 422, "validation_failed", "body"),
    (
        "missing student",
        {"json": {"class_id": 1}},
        422,
        "validation_failed",
        "student_id",
    ),
    (
        "missing class",
        {"json": {"student_id": "S00020"}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "student as number",
        {"json": {"student_id": 20, "class_id": 1}},
        422,
        "validation_failed",
        "student_id",
    ),
    (
        "student lowercase",
        {"json": {"student_id": "s00020", "class_id": 1}},
        422,
        "validation_failed",
        "student_id",
    ),
    (
        "class as string",
        {"json": {"student_id": "S00020", "class_id": "1"}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class as bool",
        {"json": {"student_id": "S00020", "class_id": True}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class as float",
        {"json": {"student_id": "S00020", "class_id": 1.5}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class as null",
        {"json": {"student_id": "S00020", "class_id": None}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class zero",
        {"json": {"student_id": "S00020", "class_id": 0}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class negative",
        {"json": {"student_id": "S00020", "class_id": -4}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "class huge",
        {"json": {"student_id": "S00020", "class_id": 10**30}},
        422,
        "validation_failed",
        "class_id",
    ),
    (
        "extra field",
        {"json": {**GOOD_BODY, "status": "validated"}},
        422,
        "validation_failed",
        "status",
    ),
    (
        "oversized body",
        {"json": {**GOOD_BODY, "padding": "x" * 20_000}},
        413,
        "payload_too_large",
        None,
    ),
    (
        "unknown class",
        {"json": {"student_id": "S00020", "class_id": 99999}},
        404,
        "class_not_found",
        None,
    ),
]


def assert_error(response, status, code, field):
    """Check one JSON error response."""
    assert response.status == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert response.json["error"].get("field") == field


@pytest.mark.parametrize(
    ("options", "status", "code", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in SELECTION_CASES],
)
def test_add_selection_bad_input(api, target, snapshot, options, status, code, field):
    before = snapshot()

    response = api.post(
        "/api/selections", token=target.student_token("S00020"), **options
    )

    assert_error(response, status, code, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=1.5", "page"),
        ("page=-1", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=100000", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=", "per_page"),
        ("day=xyz", "day"),
        ("day=MON", "day"),
        ("course=if101", "course"),
        ("course=" + "A" * 300, "course"),
    ],
)
def test_class_schedule_bad_query(api, query, field):
    response = api.get(f"/api/classes?{query}")

    assert_error(response, 422, "validation_failed", field)


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("kind=quiz", 422, "validation_failed", "kind"),
        ("student=abc", 422, "validation_failed", "student"),
        ("course=IF1", 422, "validation_failed", "course"),
        ("student=S99999", 404, "student_not_found", None),
    ],
)
def test_exam_schedule_bad_query(api, query, status, code, field):
    response = api.get(f"/api/exams?{query}")

    assert_error(response, status, code, field)


@pytest.mark.parametrize(
    ("path", "status", "code", "field"),
    [
        ("/api/students/xyz/validation", 422, "validation_failed", "student_id"),
        ("/api/students/S99999/validation", 404, "student_not_found", None),
    ],
)
def test_validate_plan_bad_student(api, target, snapshot, path, status, code, field):
    before = snapshot()

    response = api.put(path, token=target.advisor_token("A001"))

    assert_error(response, status, code, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/selections/abc", 404, "not_found"),
        ("/api/selections/-1", 404, "not_found"),
        ("/api/selections/99999", 404, "selection_not_found"),
        ("/api/selections/99999999999999999999", 404, "selection_not_found"),
    ],
)
def test_drop_selection_bad_id(api, target, snapshot, path, status, code):
    before = snapshot()

    response = api.delete(path, token=target.student_token("S00020"))

    assert_error(response, status, code, None)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing", 404, "not_found"),
        ("GET", "/", 404, "not_found"),
        ("GET", "/api/selections", 405, "method_not_allowed"),
        ("PATCH", "/api/classes", 405, "method_not_allowed"),
        ("POST", "/api/exams", 405, "method_not_allowed"),
        ("GET", "/api/students/S00001/validation", 405, "method_not_allowed"),
    ],
)
def test_unknown_route_or_method(api, snapshot, method, path, status, code):
    before = snapshot()

    response = api.request(method, path)

    assert_error(response, status, code, None)
    assert snapshot() == before


@pytest.mark.parametrize("student_id", ["S\uff100001", "S0000\u0661"])
def test_non_ascii_digits_rejected(api, target, students, student_id):
    advisor_id = students["S00001"]["advisor_id"]
    response = api.put(
        f"/api/students/{student_id}/validation",
        token=target.advisor_token(advisor_id),
    )

    assert response.status == 422
    assert response.json["error"]["code"] == "validation_failed"
