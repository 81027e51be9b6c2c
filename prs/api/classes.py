"""Class schedule: list classes with their free seats."""

from flask import Blueprint

from prs.api import inputs
from prs.catalogue import get_schedule
from prs.models import DAYS

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

    # The catalogue is a few hundred rows, so filtering it in memory is
    # cheaper than a query.
    schedule = get_schedule()
    matches = [
        item
        for item in schedule.classes.get()
        if (not course or item["course_code"] == course)
        and (not day or item["day"] == day)
    ]
    start = (page - 1) * per_page
    seats_taken = schedule.seats_taken.get()

    items = []
    for item in matches[start : start + per_page]:
        seats_left = max(item["capacity"] - seats_taken.get(item["id"], 0), 0)
        items.append({**item, "seats_left": seats_left})
    return {"items": items, "page": page, "per_page": per_page, "total": len(matches)}
