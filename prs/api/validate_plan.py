"""Validate plan: an advisor approves all of a student's selections."""

from flask import Blueprint

from prs import auth, enrollment
from prs.api import inputs
from prs.api.views import selection_json
from prs.models import VALIDATED

bp = Blueprint("validate_plan", __name__)


@bp.put("/api/students/<student_id>/validation")
def validate_plan(student_id: str):
    """Validate the plan of one of the caller's advisees."""
    identity = auth.require_role(auth.ADVISOR)
    inputs.require_student_id(student_id)

    selections = enrollment.validate_plan(student_id, identity.subject)
    return {
        "student_id": student_id,
        "status": VALIDATED,
        "selections": [selection_json(selection) for selection in selections],
    }
