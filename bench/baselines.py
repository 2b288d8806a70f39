"""What Pantry is measured against, on the same stack (Flask, Flask-SQLAlchemy, gunicorn,
SQLite with Pantry's own connection settings): a minimal write and a bare page."""
import os

from flask import Flask, redirect, render_template, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column

import pantry.database  # noqa: F401  (the same pragmas, and BEGIN IMMEDIATE for writes)

db = SQLAlchemy()


class Tally(db.Model):
    """One row per write, keyed like a movement."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)


class Counter(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    quantity: Mapped[int]


def write_app():
    """POST /write: one insert and one update in one transaction, and nothing else."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_DATABASE_URL"]
    db.init_app(app)

    @app.post("/write")
    def write():
        db.session.add(Tally(key=request.form["key"]))
        db.session.execute(update(Counter).where(Counter.id == 1).values(quantity=Counter.quantity - 1))
        db.session.commit()
        return redirect("/write", 303)

    return app


def create_tables(database_url):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add(Counter(id=1, quantity=0))
        db.session.commit()
        db.engine.dispose()


def page_app():
    """GET /page: a static template as large as the page it stands in for."""
    app = Flask(__name__, template_folder=os.environ["BENCH_TEMPLATES"])

    @app.get("/page")
    def page():
        return render_template("page.html")

    return app
