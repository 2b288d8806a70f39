"""The WSGI entry point: `gunicorn wsgi:app`."""
from pantry import create_app

app = create_app()
