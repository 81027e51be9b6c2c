"""A bare Flask JSON endpoint: the stack's ceiling under the same gunicorn settings.

Serve it with `gunicorn --config python:prs.gunicorn_conf prslab.bench.bare_app:app`.
"""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    """Return a small JSON document with no database work."""
    return jsonify(status="ok", items=[])


@app.get("/readyz")
def readyz():
    """Report ready, so the runner can wait for this app like any other."""
    return jsonify(status="ok")
