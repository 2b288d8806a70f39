"""gunicorn's settings, which it reads from the folder it starts in (`gunicorn wsgi:app`).

The app is made once, in the master, and the workers are forked from it: a worker starts at
once, and the code and templates it has loaded are shared, not copied, between workers."""
preload_app = True


def post_fork(server, worker):
    """A worker must not use a database connection the master opened: its pool starts empty."""
    from pantry.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
