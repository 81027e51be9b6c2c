"""Concurrent requests never exceed a class capacity."""

from concurrent.futures import ThreadPoolExecutor

REQUESTS = 200


def test_concurrent_adds_fill_exactly_capacity(actions, catalogue, snapshot):
    row = next(item for item in catalogue if item.capacity == 25)
    student_ids = [f"S{number:05d}" for number in range(1, REQUESTS + 1)]

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda sid: actions.add(sid, row.id), student_ids))

    statuses = [response.status for response in responses]
    assert statuses.count(201) == 25
    assert statuses.count(409) == REQUESTS - 25
    assert {r.json["error"]["code"] for r in responses if r.status == 409} == {
        "class_full"
    }
    assert len(snapshot()["selections"]) == 25


def test_one_student_concurrent_same_course(actions, catalogue, snapshot):
    course = catalogue[0].course_code
    sections = [row for row in catalogue if row.course_code == course]

    with ThreadPoolExecutor(max_workers=len(sections) * 4) as pool:
        responses = list(
            pool.map(lambda row: actions.add("S00100", row.id), sections * 4)
        )

    statuses = sorted(response.status for response in responses)
    assert statuses.count(201) == 1
    assert set(statuses) == {201, 409}
    assert len(snapshot()["selections"]) == 1
