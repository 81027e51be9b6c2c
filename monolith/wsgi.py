"""WSGI entry point of the monolith."""

from prs.app import create_app

app = create_app()
