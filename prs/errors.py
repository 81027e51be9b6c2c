"""Domain errors raised by the rules; the web layer maps them to HTTP responses."""


class DomainError(Exception):
    """A request that the domain rejects, with a stable machine-readable code."""

    code = "domain_error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(DomainError):
    """A referenced record does not exist."""


class StudentNotFound(NotFoundError):
    code = "student_not_found"


class ClassNotFound(NotFoundError):
    code = "class_not_found"


class SelectionNotFound(NotFoundError):
    code = "selection_not_found"


class RuleViolation(DomainError):
    """A request conflicts with an enrollment rule or the current state."""


class ClassFull(RuleViolation):
    code = "class_full"


class CourseAlreadySelected(RuleViolation):
    code = "course_already_selected"


class TimetableClash(RuleViolation):
    code = "timetable_clash"


class CreditLimitExceeded(RuleViolation):
    code = "credit_limit_exceeded"


class PlanValidated(RuleViolation):
    code = "plan_validated"


class PlanEmpty(RuleViolation):
    code = "plan_empty"


class InvalidInput(DomainError):
    """A field is missing, has the wrong type or is out of range."""

    code = "validation_failed"


class AuthenticationError(DomainError):
    """The bearer token is missing, malformed, badly signed or expired."""

    code = "unauthorized"


class PermissionDenied(DomainError):
    """The caller's role or identity does not allow the request."""

    code = "forbidden"
