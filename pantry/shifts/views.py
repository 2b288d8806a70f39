"""Shift pages for volunteers: find a shift, sign up without an account, cancel by private link."""
from flask import Blueprint

from pantry.shifts import models  # noqa: F401  (replace with the imports the views use)

bp = Blueprint("shifts", __name__, template_folder="templates")
