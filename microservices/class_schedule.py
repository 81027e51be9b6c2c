"""WSGI entry point of the class-schedule service."""

from prs.app import create_app

app = create_app(["classes"])
