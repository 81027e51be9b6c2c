"""Drop selection: remove a class from a student's study plan."""

from flask import Blueprint, Response

from prs import auth, enrollment
from prs.api import inputs
from prs.errors import SelectionNotFound

bp = Blueprint("drop_selection", __name__)


@bp.delete("/api/selections/<int:selection_id>")
def drop_selection(selection_id: int):
    """Drop one of the caller's own selections while the plan is a draft."""
    identity = auth.require_role(auth.STUDENT)
    if selection_id > inputs.MAX_ID:
        raise SelectionNotFound(f"Selection {selection_id} does not exist.")

    enrollment.drop_selection(selection_id, identity.subject)
    # A 204 has no body, so it carries no Content-Type either.
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response
