"""Catalogue files and the deterministic student generator."""

from prs.models import DAYS, Advisor, ClassSection, Course, Exam
from prs.seed import generate_students, load_catalogue

ADVISORS = [f"A{number:03d}" for number in range(1, 21)]


def test_same_seed_same_students():
    first = generate_students(2000, 42, ADVISORS)
    second = generate_students(2000, 42, ADVISORS)

    assert first == second
    assert len(first) == 2000
    assert first[0]["id"] == "S00001"
    assert first[-1]["id"] == "S02000"


def test_other_seed_other_students():
    assert generate_students(50, 42, ADVISORS) != generate_students(50, 7, ADVISORS)


def test_credit_limits_in_range():
    limits = {row["credit_limit"] for row in generate_students(2000, 42, ADVISORS)}

    assert min(limits) == 18
    assert max(limits) == 24


def test_catalogue_sizes_and_ranges():
    catalogue = load_catalogue()
    classes = catalogue[ClassSection]

    assert len(catalogue[Course]) == 60
    assert len(catalogue[Advisor]) == 20
    assert 140 <= len(classes) <= 160
    assert len(catalogue[Exam]) == 120
    assert {row["day"] for row in classes} == set(DAYS)
    assert all(25 <= row["capacity"] <= 60 for row in classes)
    assert any(row["capacity"] == 25 for row in classes)


def test_classes_between_opening_hours():
    classes = load_catalogue()[ClassSection]

    assert min(row["start"] for row in classes).isoformat() >= "07:30:00"
    assert max(row["end"] for row in classes).isoformat() <= "18:00:00"
    assert all(row["start"] < row["end"] for row in classes)


def test_every_course_has_both_exams():
    catalogue = load_catalogue()
    kinds = {(row["course_code"], row["kind"]) for row in catalogue[Exam]}

    assert len(kinds) == 2 * len(catalogue[Course])
