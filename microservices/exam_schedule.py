"""WSGI entry point of the exam-schedule service."""

from prs.app import create_app

app = create_app(["exams"])
