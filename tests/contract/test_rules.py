"""Each enrollment rule rejects the request and changes nothing."""

from tests.contract.rules import (
    fill_to_credit_limit,
    pick_clashing_pair,
    pick_compatible,
)


def assert_rejected(response, status, code):
    """Check the status and error code of a rejected request."""
    assert response.status == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_full_class_rejects_next_student(actions, catalogue, snapshot):
    row = min(catalogue, key=lambda item: item.capacity)
    for number in range(1, row.capacity + 1):
        assert actions.add(f"S{number:05d}", row.id).status == 201
    before = snapshot()

    response = actions.add(f"S{row.capacity + 1:05d}", row.id)

    assert_rejected(response, 409, "class_full")
    assert snapshot() == before


def test_same_course_twice_rejected(actions, catalogue, snapshot):
    course = next(
        code
        for code in {row.course_code for row in catalogue}
        if sum(row.course_code == code for row in catalogue) >= 2
    )
    first, second = [row for row in catalogue if row.course_code == course][:2]
    assert actions.add("S00010", first.id).status == 201
    before = snapshot()

    response = actions.add("S00010", second.id)

    assert_rejected(response, 409, "course_already_selected")
    assert snapshot() == before


def test_same_class_twice_rejected(actions, catalogue, snapshot):
    row = catalogue[2]
    assert actions.add("S00011", row.id).status == 201
    before = snapshot()

    response = actions.add("S00011", row.id)

    assert_rejected(response, 409, "course_already_selected")
    assert snapshot() == before


def test_timetable_clash_rejected(actions, catalogue, snapshot):
    first, second = pick_clashing_pair(catalogue)
    assert actions.add("S00012", first.id).status == 201
    before = snapshot()

    response = actions.add("S00012", second.id)

    assert_rejected(response, 409, "timetable_clash")
    assert snapshot() == before


def test_credit_limit_exceeded_rejected(actions, catalogue, students, snapshot):
    limit = students["S00013"]["credit_limit"]
    within, over = fill_to_credit_limit(catalogue, limit)
    for row in within:
        assert actions.add("S00013", row.id).status == 201
    before = snapshot()

    response = actions.add("S00013", over.id)

    assert_rejected(response, 409, "credit_limit_exceeded")
    assert snapshot() == before


def test_add_after_validation_rejected(actions, catalogue, snapshot):
    first, second = pick_compatible(catalogue, 2)
    assert actions.add("S00014", first.id).status == 201
    assert actions.validate("S00014").status == 200
    before = snapshot()

    response = actions.add("S00014", second.id)

    assert_rejected(response, 409, "plan_validated")
    assert snapshot() == before


def test_empty_plan_validation_rejected(actions, snapshot):
    before = snapshot()

    response = actions.validate("S00015")

    assert_rejected(response, 409, "plan_empty")
    assert snapshot() == before


def test_dropped_seat_frees_capacity(actions, catalogue, snapshot):
    row = min(catalogue, key=lambda item: item.capacity)
    ids = [
        actions.add(f"S{number:05d}", row.id).json["id"]
        for number in range(1, row.capacity + 1)
    ]
    assert actions.drop("S00001", ids[0]).status == 204

    response = actions.add(f"S{row.capacity + 1:05d}", row.id)

    assert response.status == 201
    assert len(snapshot()["selections"]) == row.capacity
