"""The WSGI entry point: `gunicorn wsgi:app`."""
from pantry import create_app
from pantry.coordinators.setup_pages import tell_at_start

app = create_app()
tell_at_start(app)  # a network with no coordinator yet: its setup link goes to the log, once (gunicorn preloads)
