"""The one error type of the report builder."""


class ReportError(Exception):
    """Raise when a result folder cannot be read; the message names the file."""
