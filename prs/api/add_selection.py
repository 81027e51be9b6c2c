"""Add selection: put a class into a student's study plan."""

from flask import Blueprint

from prs import auth, enrollment
from prs.api import inputs
from prs.api.views import selection_json
from prs.errors import PermissionDenied

bp = Blueprint("add_selection", __name__)

FIELDS = {"student_id", "class_id"}


@bp.post("/api/selections")
def add_selection():
    """Add a class to the caller's own plan and return the new selection."""
    identity = auth.require_role(auth.STUDENT)
    body = inputs.read_json_object()
    inputs.check_fields(body, FIELDS)
    student_id = inputs.require_student_id(body.get("student_id"))
    class_id = inputs.require_id(body.get("class_id"), "class_id")
    if student_id != identity.subject:
        raise PermissionDenied("A student may add selections only to their own plan.")

    selection = enrollment.add_selection(student_id, class_id)

    location = f"/api/selections/{selection.id}"
    return selection_json(selection), 201, {"Location": location}
