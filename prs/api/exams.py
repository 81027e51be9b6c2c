"""Exam schedule: list midterm and final exams."""

from flask import Blueprint
from sqlalchemy import select

from prs.api import inputs
from prs.api.views import exam_json
from prs.db import db
from prs.enrollment import find_student
from prs.models import EXAM_KINDS, Exam, Selection

bp = Blueprint("exams", __name__)


@bp.get("/api/exams")
def list_exams():
    """List exams filtered by course, kind and the courses a student holds."""
    course = inputs.query_pattern("course", inputs.COURSE_CODE, "IF101")
    kind = inputs.query_choice("kind", EXAM_KINDS)
    student_id = inputs.query_pattern("student", inputs.STUDENT_ID, "S00001")

    statement = select(Exam).order_by(Exam.date, Exam.start, Exam.course_code)
    if course:
        statement = statement.where(Exam.course_code == course)
    if kind:
        statement = statement.where(Exam.kind == kind)
    if student_id:
        find_student(student_id)
        selected = select(Selection.course_code).where(
            Selection.student_id == student_id
        )
        statement = statement.where(Exam.course_code.in_(selected))

    exams = db.session.scalars(statement).all()
    return {"items": [exam_json(exam) for exam in exams]}
