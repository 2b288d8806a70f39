"""Settings, and where they come from: these defaults, then instance/config.py,
then PANTRY_* environment variables, then the test's own mapping."""
import os
import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l

from pantry.languages import offered


class Defaults:
    ENVIRONMENT = "development"  # "production" refuses to start without SECRET_KEY
    # A relative SQLite path lives in the instance folder (Flask-SQLAlchemy resolves it there).
    SQLALCHEMY_DATABASE_URI = "sqlite:///pantry.db"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # How long a write waits for another writer's lock before answering 503 + Retry-After:
    # SQLite's busy timeout, PostgreSQL's lock_timeout. In milliseconds; 0 on PostgreSQL waits forever.
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    POSTGRES_LOCK_TIMEOUT_MS = 10_000
    BASE_URL = "http://127.0.0.1:5000"  # the labels' QR codes hold absolute URLs built from this
    TIMEZONE = "America/New_York"
    # None: English and every language compiled in pantry/translations; or a list, ["en", "es"].
    LANGUAGES = None
    BABEL_DEFAULT_LOCALE = "en"
    MAX_LOG_QUANTITY = 50  # the most one person may log in one tap or form
    UNDO_MINUTES = 5
    EXPIRING_SOON_DAYS = 2
    # The network's home page shows this many sites at a time (pantry.public.nearby), "Next 10": about
    # three screens of cards on a phone.
    HOME_PAGE_SITES = 10
    MAX_CONTENT_LENGTH = 256 * 1024
    # How coordinators' passwords are hashed (werkzeug's generate_password_hash method): its own
    # default, scrypt, some 80 ms of CPU a hash or a check. The tests set a quick one, as a suite
    # should that signs in thousands of times; a password hashed one way is checked by its own.
    PASSWORD_HASH_METHOD = "scrypt"
    # A phone may keep a scan page open for hours before the next tap.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # In production cookies are Secure and every answer carries HSTS (pantry/security.py).
    HSTS_SECONDS = 365 * 24 * 3600
    # Behind a reverse proxy (nginx, Caddy, a platform's router), how many proxies to trust, and
    # for which X-Forwarded-* headers (pantry/proxies.py). 0 trusts none: the right value when
    # Pantry faces the internet. "Host", "Prefix" and "Port" change every link on a page: add them
    # only if your proxy overwrites them on every request.
    PROXIES = 0
    FORWARDED_HEADERS = ["For", "Proto"]

    # Rate limits (Flask-Limiter), counted per client IP address. memory:// counts per process;
    # with several processes or servers use Redis: PANTRY_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379
    RATE_LIMITS = True  # False turns them off (the tests do, but for the tests of the limits)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "sliding-window-counter"
    # If Redis is down, count in each process's memory (and look for Redis again, less and less
    # often) rather than fail; any other error of the limiter's serves the request unlimited.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # If Redis stops answering, give up on it after a second: without these, a write would
    # wait for Redis forever (until gunicorn kills the worker). Ignored by memory://.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_KEY_PREFIX = "pantry"  # deployments sharing one Redis each need their own
    # Generous on purpose: a shelter's wifi puts a whole building behind one address. README, "Rate limits".
    LIMIT_LOGS = "120 per minute; 1500 per hour"  # takes, restocks and undos, by label, form or API
    LIMIT_CARE = "30 per minute; 300 per hour"  # cleaning checklists and past-date removals
    LIMIT_SIGN_UPS = "30 per 10 minutes; 100 per hour"
    LIMIT_PRIVATE_LINKS = "60 per minute; 600 per hour"  # manage links and invitation links
    LIMIT_SIGN_IN = "20 per 10 minutes; 60 per hour"  # attempts from one address
    LIMIT_SIGN_IN_EMAIL = "10 per 10 minutes; 30 per hour"  # attempts at one account, from anywhere
    INVITATION_DAYS = 7
    SESSIONS_KEPT_DAYS = 90  # an ended sign-in session is deleted this long after it ended (by the worker)
    REQUIRE_TWO_STEP = False  # True: every coordinator signs in with a code from their phone too (set up first)
    LEDGER_PAGE_SIZE = 50
    # Public pages are kept rendered this long, per process, unless the site's ledger moved.
    PAGE_CACHE_SECONDS = 30
    EXPORT_MAX_DAYS = 400  # the longest range of days one CSV export may cover
    IMPACT_MAX_DAYS = 400  # the longest range one impact report may cover

    # Reports: anyone may say what is wrong at a site (pantry/reports)
    LIMIT_REPORTS = "30 per minute; 300 per hour"  # reports, by form or API, per address
    REPORT_MERGE_HOURS = 6  # reports of one kind at one site this close together are one report
    REPORT_STALE_DAYS = 3  # an open report with nothing new for this long "may be out of date"
    REPORT_DROP_DAYS = 7  # ... and after this long public pages no longer show it
    REPORT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # a report with its photo, as sent; more is 413
    REPORT_PHOTO_MAX_BYTES = 400 * 1024  # a photo as kept, after re-encoding
    REPORT_PHOTO_SIDE = 1600  # pixels on the long side of a kept photo
    REPORT_PHOTO_MAX_PIXELS = 50_000_000  # a sent image with more pixels is refused (a 48 MP phone passes)
    # `flask pantry purge-contacts` also deletes reports' photos this long after they came.
    REPORT_PHOTO_DAYS = 30

    # Shifts
    SHIFT_WEEKS_AHEAD = 8
    SIGN_UP_CUTOFF_MINUTES = 0  # sign-ups close this long before a shift starts
    CANCEL_NOTICE_HOURS = 2  # a volunteer can cancel online until this long before the start
    # `flask pantry purge-contacts` forgets volunteers' email and phone this long after the shift ended.
    PURGE_CONTACTS_AFTER_DAYS = 30

    # Needs: a neighbour's ask counts on the needs list this many days (pantry.needs)
    ASK_WINDOW_DAYS = 7

    # Care: the checklist at the fridge, thermometer readings, alerts
    CARE_CHECKLIST = {
        "shelves": _l("Shelves wiped"),
        "seal_and_floor": _l("Door seal and floor clean"),
        "past_date_removed": _l("Items past their best-before date removed"),
    }
    TEMPERATURE_UNIT = "C"  # or "F": how readings are typed and shown
    TEMPERATURE_LIMITS = {"fridge": 5.0, "freezer": -15.0}  # °C; above this is too warm
    CLEANING_OVERDUE_HOURS = 26
    # A too-warm reading mails every coordinator, at most once a site in this many minutes
    # (the cleaning label is anonymous: 30 readings a minute must not make 30 mails each).
    WARM_ALERT_MINUTES = 60
    # An excursion (too warm from one reading until one in range) longer than this, or of unknown
    # length, puts the cold-chain food that was inside in question (pantry.care.excursions).
    EXCURSION_HOURS = 2

    # The "what we need" poster: what the sites take and do not take (common community fridge rules)
    POSTER_ACCEPTED = [
        _l("Sealed and labelled food"),
        _l("Whole fruit and vegetables"),
        _l("Bread and baked goods"),
        _l("Prepared food labelled with the date it was made"),
        _l("Drinks in sealed bottles"),
    ]
    POSTER_NOT_ACCEPTED = [
        _l("Raw meat or fish"),
        _l("Alcohol"),
        _l("Opened or half-eaten food"),
        _l("Homemade food without a date label"),
        _l("Expired food"),
        _l("Medicine"),
    ]

    # Mail (plain SMTP). With no MAIL_SERVER, mails are logged, not sent.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Pantry <pantry@localhost>"
    MAIL_TIMEOUT = 10  # seconds; a mail server that hangs longer fails the message, tried again later
    MAIL_MESSAGE_ID_DOMAIN = "pantry"  # Message-ID: <outbox-42@pantry>, one per recipient and event

    # The outbox and its worker (`flask pantry worker`): every mail, push and webhook goes through it.
    OUTBOX_BATCH = 20  # messages one worker claims at a time
    OUTBOX_LEASE_SECONDS = 300  # a claimed message not settled by then (its worker died) is claimed again
    OUTBOX_BACKOFF_SECONDS = 30  # the wait after a first failure; each failure doubles it (at most 6 hours)
    OUTBOX_MAX_ATTEMPTS = 8  # then the message is dead: shown on /admin/outbox, where it can be retried
    WORKER_IDLE_SECONDS = 2  # how long the worker sleeps when nothing was due
    # Following a site: one message per follower per kind of news within this window, no floods.
    FOLLOW_WINDOW_MINUTES = 60
    WEBHOOK_TIMEOUT = 10  # seconds
    WEBHOOK_MAX_FAILURES = 10  # failures in a row, then the webhook is disabled (said on the coordinators' home)
    WEBHOOK_ALLOW_LOOPBACK = False  # tests only: production refuses loopback, private and link-local addresses
    PUSH_TIMEOUT = 10  # seconds
    PUSH_ALLOW_LOOPBACK = False  # tests only: a push service on http://127.0.0.1
    VAPID_SUBJECT = "mailto:pantry@localhost"  # who push services may contact about this deployment


def load_config(app, test_config=None):
    """Defaults, instance/config.py, the environment, the test config; then what follows from them.
    The settings are final when this returns: nothing else changes app.config."""
    config = app.config
    config.from_object(Defaults)
    config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    config.from_prefixed_env("PANTRY")
    if test_config:
        config.from_mapping(test_config)
    config["SQLALCHEMY_DATABASE_URI"] = psycopg_url(config["SQLALCHEMY_DATABASE_URI"])
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    if config["ENVIRONMENT"] == "production":  # served over HTTPS only: cookies never travel in the clear
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
    config["LANGUAGES"] = offered(config.get("LANGUAGES"), config["BABEL_DEFAULT_LOCALE"])
    # Flask-Limiter keeps one state per Limiter, not per app: it stays on, and RATE_LIMITS decides per app.
    config["RATELIMIT_ENABLED"] = True
    _ensure_secret_key(app)


def psycopg_url(url):
    """Point a plain postgres:// URL at psycopg 3, the driver Pantry installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _ensure_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENVIRONMENT"] == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. In production set SECRET_KEY (or PANTRY_SECRET_KEY) "
            "to a long random value; sessions and sign-ins depend on it."
        )
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
        app.logger.warning(
            "No SECRET_KEY was set: generated one into %s for development. "
            "Set SECRET_KEY in production.", path
        )
    app.config["SECRET_KEY"] = path.read_text().strip()
