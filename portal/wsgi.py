"""WSGI entry point for gunicorn: ``gunicorn -w 4 -b 0.0.0.0:8050 portal.wsgi:app``."""

from portal.app import create_app

app = create_app()
