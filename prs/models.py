"""Tables of the registration domain."""

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prs.db import db

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat")
EXAM_KINDS = ("midterm", "final")
DRAFT = "draft"
VALIDATED = "validated"


class Advisor(db.Model):
    __tablename__ = "advisors"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Student(db.Model):
    __tablename__ = "students"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    program: Mapped[str] = mapped_column(String(80))
    credit_limit: Mapped[int] = mapped_column(Integer)
    advisor_id: Mapped[str] = mapped_column(ForeignKey("advisors.id"), index=True)
    # The plan status lives on the student, so the add rule reads one row.
    plan_status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (
        CheckConstraint("plan_status IN ('draft', 'validated')", name="plan_status"),
    )


class Course(db.Model):
    __tablename__ = "courses"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    credits: Mapped[int] = mapped_column(Integer)


class ClassSection(db.Model):
    """A section of a course that meets once a week."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_code: Mapped[str] = mapped_column(ForeignKey("courses.code"))
    section: Mapped[str] = mapped_column(String(4))
    day: Mapped[str] = mapped_column(String(3))
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    room: Mapped[str] = mapped_column(String(16))
    lecturer: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("course_code", "section"),
        Index("ix_classes_day", "day"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint('start < "end"', name="start_before_end"),
    )


class Exam(db.Model):
    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_code: Mapped[str] = mapped_column(ForeignKey("courses.code"))
    kind: Mapped[str] = mapped_column(String(8))
    date: Mapped[date] = mapped_column(Date)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    room: Mapped[str] = mapped_column(String(16))

    course: Mapped[Course] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("course_code", "kind"),)


class Selection(db.Model):
    """A class that a student chose for their study plan."""

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    # Copied from the class so the database itself forbids a course twice.
    course_code: Mapped[str] = mapped_column(ForeignKey("courses.code"))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    class_section: Mapped[ClassSection] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("student_id", "course_code", name="uq_selection_course"),
        Index("ix_selections_class_id", "class_id"),
        CheckConstraint("status IN ('draft', 'validated')", name="selection_status"),
        # Without AUTOINCREMENT SQLite reuses the id of a dropped selection, so a
        # retried DELETE could drop a newer one. PostgreSQL sequences never reuse.
        {"sqlite_autoincrement": True},
    )
