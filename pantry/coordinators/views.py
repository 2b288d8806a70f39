"""Coordinator screens. (Sign-in and the admin screens are filled in by the coordinators module.)"""
from flask import Blueprint, render_template
from flask_login import login_required

from pantry.coordinators.models import Coordinator
from pantry.extensions import db, login

bp = Blueprint("coordinators", __name__, template_folder="templates")


@login.user_loader
def load_coordinator(coordinator_id):
    return db.session.get(Coordinator, int(coordinator_id))


@bp.get("/")
@login_required
def home():
    return render_template("coordinators/home.html")
