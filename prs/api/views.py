"""Turn model rows into the JSON shapes of the API."""

from prs.models import Exam, Selection


def format_time(value) -> str:
    """Format a time of day as HH:MM."""
    return value.strftime("%H:%M")


def exam_json(exam: Exam) -> dict:
    """Return the API shape of an exam."""
    return {
        "id": exam.id,
        "course_code": exam.course_code,
        "course_name": exam.course.name,
        "kind": exam.kind,
        "date": exam.date.isoformat(),
        "start": format_time(exam.start),
        "end": format_time(exam.end),
        "room": exam.room,
    }


def selection_json(selection: Selection) -> dict:
    """Return the API shape of a selection."""
    return {
        "id": selection.id,
        "student_id": selection.student_id,
        "class_id": selection.class_id,
        "course_code": selection.course_code,
        "status": selection.status,
    }
