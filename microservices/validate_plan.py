"""WSGI entry point of the validate-plan service."""

from prs.app import create_app

app = create_app(["validate_plan"])
