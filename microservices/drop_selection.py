"""WSGI entry point of the drop-selection service."""

from prs.app import create_app

app = create_app(["drop_selection"])
