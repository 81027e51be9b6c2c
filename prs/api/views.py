"""Turn model rows into the JSON shapes of the API."""

from prs.models import ClassSection, Exam, Selection


def format_time(value) -> str:
    """Format a time of day as HH:MM."""
    return value.strftime("%H:%M")


def class_json(section: ClassSection, seats_taken: int) -> dict:
    """Return the API shape of a class with its free seats."""
    return {
        "id": section.id,
        "course_code": section.course_code,
        "course_name": section.course.name,
        "credits": section.course.credits,
        "section": section.section,
        "day": section.day,
        "start": format_time(section.start),
        "end": format_time(section.end),
        "room": section.room,
        "lecturer": section.lecturer,
        "capacity": section.capacity,
        "seats_left": max(section.capacity - seats_taken, 0),
    }


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
