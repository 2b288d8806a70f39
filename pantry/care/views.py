"""The cleaning checklist at the fridge, opened by the site's cleaning label."""
from flask import Blueprint

from pantry.care import models  # noqa: F401  (replace with the imports the views use)

bp = Blueprint("care", __name__, template_folder="templates")
