"""How a temperature reads on a page, a PDF or a chart: in the deployment's unit, and the
warmest a site may be. Registered for every template by pantry/templating.py."""
from flask import current_app
from flask_babel import format_decimal

from pantry.care import rules
from pantry.care.models import Reading


def temperature(value):
    """A reading (or degrees Celsius) in the deployment's unit: "4 °C", "39.2 °F"."""
    celsius = value.celsius if isinstance(value, Reading) else value
    if celsius is None:
        return ""
    unit = current_app.config["TEMPERATURE_UNIT"]
    return f"{format_decimal(rules.to_unit(celsius, unit), format='0.#')} °{unit}"


def temperature_limit(site):
    """The warmest a site may be, in degrees Celsius, or None when it has no limit."""
    return current_app.config["TEMPERATURE_LIMITS"].get(site.kind)
