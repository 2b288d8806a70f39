"""What every answer says about itself (headers), who the client is behind a proxy, and how
often one address may write: the rate limits on anonymous writes and on sign-in.

Limits are counted per client address, so behind a reverse proxy set PROXIES (README,
"Behind a proxy"); otherwise every visitor would share the proxy's address."""
import ipaddress
import math
import time

from flask import current_app, g, request
from flask_limiter import Limiter

from pantry import counts  # noqa: F401  (memory:// counts without a thread per request)
from pantry.proxies import ForwardedHeaders

IPV6_CLIENT_PREFIX = 64  # a phone or a home gets a whole /64: it is one client


def client_network():
    """Who a limit counts: an IPv4 address, or the /64 an IPv6 address belongs to (an address
    inside it is as easy to change as a port). An IPv4 address written as IPv6 counts as IPv4."""
    remote = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(remote.split("%", 1)[0])
    except ValueError:
        return remote
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


limiter = Limiter(key_func=client_network)
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")  # Flask-Limiter's settings

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    # Same-origin requests keep their Referer, so Flask-WTF's referrer check passes over HTTPS.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=()"  # "Search near me",
}


def register(app):
    app.wsgi_app = ForwardedHeaders(app.wsgi_app, int(app.config["PROXIES"]), app.config["FORWARDED_HEADERS"])
    limiter.init_app(app)  # always on (pantry.config sets RATELIMIT_ENABLED): RATE_LIMITS decides per app
    if not any(app.config.get(name) for name in APP_WIDE_LIMITS):
        # Flask-Limiter checks every request for app-wide limits before its view. Pantry's limits
        # are on views (the decorators below check them themselves): unless a deployment sets
        # app-wide ones, the check finds nothing, at a tenth of a kept page's time.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    headers = dict(HEADERS)
    if app.config["ENVIRONMENT"] == "production":
        headers["Strict-Transport-Security"] = f"max-age={int(app.config['HSTS_SECONDS'])}"

    @app.url_value_preprocessor
    def allow_a_larger_body(endpoint, values):
        """A view marked with `body_limit` (a report with its photo) takes up to its own setting.
        Said here because URL preprocessors run before every before_request, CSRFProtect's too,
        which reads the form (and so the body) to find its token."""
        view = app.view_functions.get(request.endpoint)
        setting = getattr(view, "body_limit", None)
        if setting is not None:
            request.max_content_length = int(app.config[setting])

    @app.before_request
    def refuse_streams_too_large():
        """A body with no Content-Length (chunked; gunicorn marks it wsgi.input_terminated) is
        cut at MAX_CONTENT_LENGTH by Werkzeug and then parsed as if it were whole. Read it to the
        limit here: one byte more raises RequestEntityTooLarge (413), before any view sees it."""
        if (request.method in BODY_METHODS and request.content_length is None
                and request.environ.get("wsgi.input_terminated")):
            request.get_data(cache=True)
            request.stream.read(1)

    @app.after_request
    def protect(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response


@limiter.request_filter
def _limits_off():
    return not current_app.config["RATE_LIMITS"]


def retry_after_seconds():
    """Whole seconds until the limit just breached lets this address in again (at least 1)."""
    if g.get("retry_after"):
        return g.retry_after
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return 60
    window = limit.limit.get_expiry()  # the sliding window's estimate can overshoot by a second
    return min(window, max(1, math.ceil(limit.reset_at - time.time())))


def body_limit(setting):
    """Mark a view that takes a larger body than MAX_CONTENT_LENGTH: at most the setting `setting`."""
    def mark(view):
        view.body_limit = setting
        return view
    return mark


def _configured(name):
    return lambda: current_app.config[name]


# One bucket per kind of write, whichever door it comes through (form, JSON outbox or API).
logs = limiter.shared_limit(_configured("LIMIT_LOGS"), scope="logs")
care = limiter.shared_limit(_configured("LIMIT_CARE"), scope="care")
reports = limiter.shared_limit(_configured("LIMIT_REPORTS"), scope="reports")
sign_ups = limiter.shared_limit(_configured("LIMIT_SIGN_UPS"), scope="sign-ups")
private_links = limiter.shared_limit(_configured("LIMIT_PRIVATE_LINKS"), scope="private-links")
sign_in = limiter.shared_limit(_configured("LIMIT_SIGN_IN"), scope="sign-in", methods=["POST"])
# Attempts at one email are counted by pantry.sign_in_limits: failures only, so they never keep the coordinator out.
