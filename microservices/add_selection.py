"""WSGI entry point of the add-selection service."""

from prs.app import create_app

app = create_app(["add_selection"])
