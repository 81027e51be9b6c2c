"""A student's whole flow, the same on every topology."""

import time

from tests.contract.rules import pick_compatible

# Longer than the default seat-count cache of 1 s, with room for a slow CI.
SEATS_DEADLINE_SECONDS = 5.0


def test_student_flow_end_to_end(api, actions, catalogue, snapshot):
    listing = api.get("/api/classes?per_page=200")
    assert listing.status == 200
    assert listing.json["total"] == len(catalogue)
    first, second = pick_compatible(catalogue, 2)

    added = [actions.add("S00001", row.id) for row in (first, second)]
    assert [response.status for response in added] == [201, 201]
    assert added[0].json["status"] == "draft"
    assert added[0].headers["Location"] == f"/api/selections/{added[0].json['id']}"

    dropped = actions.drop("S00001", added[0].json["id"])
    assert dropped.status == 204
    assert dropped.body == b""
    assert "Content-Type" not in dropped.headers

    validated = actions.validate("S00001")
    assert validated.status == 200
    assert validated.json["status"] == "validated"
    assert [item["id"] for item in validated.json["selections"]] == [
        added[1].json["id"]
    ]
    assert validated.json["selections"][0]["status"] == "validated"

    late_drop = actions.drop("S00001", added[1].json["id"])
    assert late_drop.status == 409
    assert late_drop.json["error"]["code"] == "plan_validated"
    assert len(snapshot()["selections"]) == 1


def test_validation_is_idempotent(actions, catalogue):
    (row,) = pick_compatible(catalogue, 1)
    assert actions.add("S00002", row.id).status == 201

    first = actions.validate("S00002")
    second = actions.validate("S00002")

    assert first.status == 200
    assert second.status == 200
    assert first.json == second.json


def test_seats_left_counts_selections(api, actions, catalogue):
    row = catalogue[5]
    path = f"/api/classes?course={row.course_code}"
    before = seats_left_of(api.get(path).json, row.id)
    assert actions.add("S00003", row.id).status == 201

    # Seat counts are cached for PRS_SEATS_TTL_SECONDS (1 s by default), so
    # the new count shows up within that time, not at once.
    deadline = time.monotonic() + SEATS_DEADLINE_SECONDS
    after = seats_left_of(api.get(path).json, row.id)
    while after != before - 1 and time.monotonic() < deadline:
        time.sleep(0.1)
        after = seats_left_of(api.get(path).json, row.id)

    assert after == before - 1


def seats_left_of(page: dict, class_id: int) -> int:
    """Return the free seats of one class on a page of the class schedule."""
    return next(item["seats_left"] for item in page["items"] if item["id"] == class_id)


def test_class_filters_and_paging(api, catalogue):
    monday = api.get("/api/classes?day=mon&per_page=200").json
    page_two = api.get("/api/classes?page=2&per_page=10").json

    assert monday["total"] == sum(row.day == "mon" for row in catalogue)
    assert all(item["day"] == "mon" for item in monday["items"])
    assert page_two["page"] == 2
    assert len(page_two["items"]) == 10
    assert page_two["total"] == len(catalogue)


def test_exams_filter_by_student(api, actions, catalogue):
    row = catalogue[0]
    assert actions.add("S00004", row.id).status == 201

    exams = api.get("/api/exams?student=S00004").json["items"]
    finals = api.get(f"/api/exams?course={row.course_code}&kind=final").json["items"]

    assert sorted(exam["kind"] for exam in exams) == ["final", "midterm"]
    assert {exam["course_code"] for exam in exams} == {row.course_code}
    assert len(finals) == 1
    assert finals[0]["kind"] == "final"


def test_exam_schedule_lists_all_exams(api, catalogue):
    exams = api.get("/api/exams").json["items"]

    assert len(exams) == 2 * len({row.course_code for row in catalogue})


def test_dropped_selection_id_not_reused(actions, catalogue):
    first, second = pick_compatible(catalogue, 2)
    added = actions.add("S00004", first.id)
    assert actions.drop("S00004", added.json["id"]).status == 204

    again = actions.add("S00004", second.id)

    assert again.status == 201
    assert again.json["id"] != added.json["id"]
