"""Enrollment rules on a real SQLite database."""

from datetime import time

import pytest

from prs import enrollment, errors
from prs.app import create_app
from prs.db import db
from prs.models import ClassSection, Selection, Student
from prs.seed import create_schema, seed_database


@pytest.fixture
def app(tmp_path):
    """Create an app on a fresh seeded SQLite file."""
    url = f"sqlite:///{tmp_path}/unit.sqlite3"
    app = create_app(config={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        create_schema()
        seed_database(20, 1)
        yield app
        db.session.remove()
        db.engine.dispose()


def first_class(**filters) -> ClassSection:
    """Return the first class matching the filters."""
    return (
        db.session.query(ClassSection)
        .filter_by(**filters)
        .order_by(ClassSection.id)
        .first()
    )


def test_clash_needs_same_day_overlap(app):
    first = ClassSection(day="mon", start=time(8, 0), end=time(10, 0))
    overlapping = ClassSection(day="mon", start=time(9, 0), end=time(11, 0))
    adjacent = ClassSection(day="mon", start=time(10, 0), end=time(12, 0))
    other_day = ClassSection(day="tue", start=time(8, 0), end=time(10, 0))

    assert enrollment.clashes(first, overlapping)
    assert not enrollment.clashes(first, adjacent)
    assert not enrollment.clashes(first, other_day)


def test_add_then_validate_then_drop(app):
    section = first_class()
    selection = enrollment.add_selection("S00001", section.id)

    validated = enrollment.validate_plan(
        "S00001", db.session.get(Student, "S00001").advisor_id
    )

    assert selection.status == "validated"
    assert [item.id for item in validated] == [selection.id]
    with pytest.raises(errors.PlanValidated):
        enrollment.drop_selection(selection.id, "S00001")


def test_unknown_student_and_class(app):
    with pytest.raises(errors.StudentNotFound):
        enrollment.add_selection("S99999", 1)
    with pytest.raises(errors.ClassNotFound):
        enrollment.add_selection("S00001", 99999)


def test_wrong_advisor_rejected(app):
    enrollment.add_selection("S00002", first_class().id)
    advisor = db.session.get(Student, "S00002").advisor_id
    other = "A001" if advisor != "A001" else "A002"

    with pytest.raises(errors.PermissionDenied):
        enrollment.validate_plan("S00002", other)


def test_full_class_rejected(app):
    section = first_class()
    section.capacity = 1
    db.session.commit()
    enrollment.add_selection("S00003", section.id)

    with pytest.raises(errors.ClassFull):
        enrollment.add_selection("S00004", section.id)
    assert db.session.query(Selection).count() == 1


def test_duplicate_course_rejected(app):
    section = first_class(section="A")
    sibling = first_class(course_code=section.course_code, section="B")
    enrollment.add_selection("S00005", section.id)

    with pytest.raises(errors.CourseAlreadySelected):
        enrollment.add_selection("S00005", sibling.id)
