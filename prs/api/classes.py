"""Class schedule: list classes with their free seats."""

from flask import Blueprint
from sqlalchemy import func, select

from prs.api import inputs
from prs.api.views import class_json
from prs.db import db
from prs.models import DAYS, ClassSection, Selection

bp = Blueprint("classes", __name__)

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000


@bp.get("/api/classes")
def list_classes():
    """List classes filtered by course and day, one page at a time."""
    course = inputs.query_pattern("course", inputs.COURSE_CODE, "IF101")
    day = inputs.query_choice("day", DAYS)
    page = inputs.query_int("page", 1, MAX_PAGE)
    per_page = inputs.query_int("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)

    statement = select(ClassSection)
    if course:
        statement = statement.where(ClassSection.course_code == course)
    if day:
        statement = statement.where(ClassSection.day == day)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    sections = db.session.scalars(
        statement.order_by(ClassSection.course_code, ClassSection.section)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()

    seats_taken = count_seats_taken([section.id for section in sections])
    items = [
        class_json(section, seats_taken.get(section.id, 0)) for section in sections
    ]
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def count_seats_taken(class_ids: list[int]) -> dict[int, int]:
    """Count the selections of each class in one grouped query."""
    if not class_ids:
        return {}
    rows = db.session.execute(
        select(Selection.class_id, func.count())
        .where(Selection.class_id.in_(class_ids))
        .group_by(Selection.class_id)
    )
    return {class_id: count for class_id, count in rows}
