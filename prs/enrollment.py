"""Enrollment rules: add, drop and validate selections of a study plan."""

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from prs import errors
from prs.db import begin_write, db
from prs.models import DRAFT, VALIDATED, ClassSection, Selection, Student

logger = logging.getLogger(__name__)


def add_selection(student_id: str, class_id: int) -> Selection:
    """Add a class to a student's plan after checking every enrollment rule."""
    begin_write()
    student = lock_student(student_id)
    section = lock_class(class_id)
    selections = student_selections(student_id)
    check_can_add(student, section, selections)

    selection = Selection(
        student_id=student_id,
        class_id=section.id,
        course_code=section.course_code,
        status=DRAFT,
    )
    db.session.add(selection)
    commit_selection(student_id, section)
    logger.info("Added class %s to plan of %s", class_id, student_id)
    return selection


def check_can_add(student: Student, section: ClassSection, selections: list) -> None:
    """Raise the error of the first rule that adding the class would break."""
    if student.plan_status == VALIDATED:
        raise errors.PlanValidated(f"The plan of {student.id} is already validated.")

    if any(other.course_code == section.course_code for other in selections):
        raise errors.CourseAlreadySelected(
            f"Student {student.id} already has a class of {section.course_code}."
        )

    if seats_taken(section.id) >= section.capacity:
        raise errors.ClassFull(f"Class {section.id} has no free seat.")

    for other in selections:
        if clashes(section, other.class_section):
            raise errors.TimetableClash(
                f"Class {section.id} overlaps class {other.class_id} on {section.day}."
            )

    credits = sum(other.class_section.course.credits for other in selections)
    if credits + section.course.credits > student.credit_limit:
        raise errors.CreditLimitExceeded(
            f"Class {section.id} adds {section.course.credits} credits to "
            f"{credits}, over the limit of {student.credit_limit}."
        )


def clashes(first: ClassSection, second: ClassSection) -> bool:
    """Return whether two classes meet on the same day at overlapping times."""
    return (
        first.day == second.day
        and first.start < second.end
        and second.start < first.end
    )


def commit_selection(student_id: str, section: ClassSection) -> None:
    """Commit the new selection, turning a unique-constraint race into a 409."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        # The unique (student, course) constraint is the backstop when two
        # writers slip past the checks at once.
        logger.info("Rejected duplicate course for %s: %s", student_id, error.orig)
        raise errors.CourseAlreadySelected(
            f"Student {student_id} already has a class of {section.course_code}."
        ) from error


def drop_selection(selection_id: int, student_id: str) -> None:
    """Remove a selection from its owner's plan unless the plan is validated."""
    begin_write()
    # Lock the caller first. Only its owner drops a selection, so the row
    # cannot vanish between the read and the delete.
    student = lock_student(student_id)
    selection = find_selection(selection_id)
    if selection.student_id != student_id:
        raise errors.PermissionDenied(
            f"Selection {selection_id} belongs to another student."
        )

    if student.plan_status == VALIDATED:
        raise errors.PlanValidated(
            f"The plan of {student_id} is validated, so selection {selection_id} "
            "cannot be dropped."
        )

    db.session.delete(selection)
    db.session.commit()
    logger.info("Dropped selection %s of %s", selection_id, student_id)


def validate_plan(student_id: str, advisor_id: str) -> list[Selection]:
    """Mark a student's plan and all its selections validated (idempotent)."""
    begin_write()
    student = lock_student(student_id)
    if student.advisor_id != advisor_id:
        raise errors.PermissionDenied(
            f"Advisor {advisor_id} is not the advisor of {student_id}."
        )

    selections = student_selections(student_id)
    if student.plan_status == VALIDATED:
        db.session.rollback()
        return selections
    if not selections:
        raise errors.PlanEmpty(f"The plan of {student_id} has no selection.")

    student.plan_status = VALIDATED
    student.validated_at = datetime.now(UTC).replace(tzinfo=None)
    for selection in selections:
        selection.status = VALIDATED
    db.session.commit()
    logger.info("Validated plan of %s (%d selections)", student_id, len(selections))
    return selections


def lock_student(student_id: str) -> Student:
    """Load a student and lock the row, so one student's writes run in turn."""
    statement = select(Student).where(Student.id == student_id).with_for_update()
    student = db.session.scalar(statement)
    if student is None:
        raise errors.StudentNotFound(f"Student {student_id} does not exist.")
    return student


def lock_class(class_id: int) -> ClassSection:
    """Load a class and lock its row, so concurrent adds count seats in turn."""
    statement = (
        select(ClassSection)
        .where(ClassSection.id == class_id)
        .with_for_update(of=ClassSection)
    )
    section = db.session.scalar(statement)
    if section is None:
        raise errors.ClassNotFound(f"Class {class_id} does not exist.")
    return section


def find_selection(selection_id: int) -> Selection:
    """Load a selection or raise SelectionNotFound."""
    selection = db.session.get(Selection, selection_id)
    if selection is None:
        raise errors.SelectionNotFound(f"Selection {selection_id} does not exist.")
    return selection


def student_selections(student_id: str) -> list[Selection]:
    """Return a student's selections in the order they were added."""
    statement = (
        select(Selection)
        .where(Selection.student_id == student_id)
        .order_by(Selection.id)
    )
    return list(db.session.scalars(statement).unique())


def seats_taken(class_id: int) -> int:
    """Count the selections that hold a seat in a class."""
    statement = select(func.count()).where(Selection.class_id == class_id)
    return db.session.scalar(statement)


def find_student(student_id: str) -> Student:
    """Load a student without locking, or raise StudentNotFound."""
    student = db.session.get(Student, student_id)
    if student is None:
        raise errors.StudentNotFound(f"Student {student_id} does not exist.")
    return student
