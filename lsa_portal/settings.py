"""Settings for the portal, read from the environment (README lists every variable).

Development defaults need nothing: SQLite in ``var/``, mails written to ``var/mail/``, Celery
tasks run in-process. ``DJANGO_ENV=production`` switches on the hardening that
``manage.py check --deploy`` asks for.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: production refuses to start without one
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-development-only-key-not-for-production"
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "allauth",
    "allauth.account",
    "csp",
    "django_htmx",
    "django_filters",
    "simple_history",
    "lsa_portal",
    "accounts",
    "enterprises",
    "pioneers",
    "knowledge",
    "municipalities",
    "monitor",
    "staff",
    "api",
]

MIDDLEWARE = [
    # First: the request id for every log record and the response, and one line per request
    # with the final status (lsa_portal/logs.py).
    "lsa_portal.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lsa_portal.middleware.PermissionsPolicyMiddleware",
    # The open-data API's common headers, errors and rate limit (api/middleware.py): before the
    # session and CSRF middleware, so that it drops any cookie they set on an API answer.
    "api.middleware.OpenDataApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lsa_portal.middleware.DutchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lsa_portal.middleware.NoNulInAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "lsa_portal.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "lsa_portal.urls"
WSGI_APPLICATION = "lsa_portal.wsgi.application"
ASGI_APPLICATION = "lsa_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lsa_portal.context_processors.portal",
            ],
        },
    },
]

FORM_RENDERER = "lsa_portal.forms.PortalFormRenderer"

# --- Data -----------------------------------------------------------------------------------
if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default keeps its SQLite file in var/
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are short, and the monitor's aggregates (a few
    # thousand rows with medians) cross PostgreSQL's JIT cost threshold, where compiling took
    # about 100 ms to save a few. Set per connection, so the server's settings stay as they are.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Seconds a web process waits for Redis (the cache, and the broker when a PDF job is handed to a
# worker) to connect or to answer, before it goes on without: a Redis that is down or hung must
# not hold up the page.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    # After Redis failed to answer, a process leaves it alone this long (lsa_portal/cache.py).
    "retry_after": 5,
}
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, keeping its Redis client and serving uncached while Redis is
            # unreachable (see lsa_portal/cache.py).
            "BACKEND": "lsa_portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lsa",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache and written through to the database: no query per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the user's roles with the user (one query).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Wijkondernemingen] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# accounts/adapter.py: mails greet with the portal's name and PORTAL_BASE_URL's host; the
# visitor's address for allauth's limits comes from the portal's one rule (lsa_portal.client_ip),
# so its limits per address count each visitor behind the proxy apart; the message of a locked
# password links to the log-in code.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# A log-in code by mail: the way in for the owner of an address while wrong guesses have locked
# its password (login_failed below). A code is 8 letters of 20 (2.5e10 possibilities), allows
# 3 tries and then is void; it lasts 10 minutes, as mail can take a few, and more time adds no
# chance of guessing it.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
# allauth's rate limits stay on (its defaults); stated here so nobody switches them off unseen.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords: 5 per address per 5 minutes, then the password waits (the code does not).
    "login_failed": "10/m/ip,5/5m/key",
    # Codes asked for: 3 a minute per address, 20 per connection. No longer window per
    # address: a stranger could then lock the code as well, with a few requests an hour.
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# --- Behind a proxy -------------------------------------------------------------------------
# Which X-Forwarded-For addresses to believe (lsa_portal/client_ip.py). 0 and no list: none, and
# every visitor behind a proxy would share the proxy's address. docker-compose.yml sets 1: nginx.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="X-Forwarded-For")

# Absolute links in mails sent outside a request (invitations, decisions).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Where people write about their personal data (named in the privacy statement).
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@example.org")

# Audit log entries older than this are deleted every night: two years lets the association
# account for a decision through a full programme year and its complaint period, and no longer.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)

# --- Mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wijkondernemingen <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    # A newcomer opens the verification mail from this folder.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# The only folders of MEDIA_ROOT that /media/ serves (re-encoded images, see lsa_portal/uploads.py).
# Report and case PDFs live elsewhere and are served only by views that check who asks.
PUBLIC_MEDIA_FOLDERS = ["enterprises/logos", "kennisbank/omslagen"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Back-ups -------------------------------------------------------------------------------
# `manage.py backup` (and the backup service of docker-compose.yml) writes a folder per back-up
# here: the database, the media folder and a manifest (lsa_portal/backups.py).
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
# Back-ups older than this are deleted after each successful back-up. The privacy statement
# names it: a deleted account lives on in the back-ups this long. Five weeks: a mistake noticed
# at the end of a month can still be undone.
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=35)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker the tasks run in-process, so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# Every task records its outcome in the database (the PDF jobs' status), so none stores a
# result: asking for a PDF then never waits on the result backend (whose client retries a lost
# connection for 20 s inside the request). A task whose result is read says so itself.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long a message a worker took (acks_late) stays invisible before Redis hands it out again
# when that worker died without acknowledging it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for such tasks (seconds, and every Nth look scans Redis).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=300),
    # A publish that finds no broker fails at once (the job stays queued for the sweep) instead
    # of retrying the connection for seconds inside a staff member's request. A worker's own
    # connection is not affected: it reconnects by Celery's broker_connection_max_retries.
    "max_retries": 0,
    "socket_connect_timeout": REDIS_TIMEOUT,
    # Above kombu's one-second BRPOP poll, on which a worker waits for the next task.
    "socket_timeout": REDIS_TIMEOUT + 1,
}
CELERY_TIMEZONE = TIME_ZONE
# The queue the case-description PDFs go to; give it workers of their own to keep long renders
# away from short tasks (`celery worker -Q pdf`).
PDF_TASK_QUEUE = env.str("PDF_TASK_QUEUE", default="celery")
# A case description longer than this is refused (runaway content would tie up a worker).
PDF_MAX_PAGES = env.int("PDF_MAX_PAGES", default=200)

# Periodic tasks (run `celery -A lsa_portal beat` beside the worker, or the management commands
# `apply_retention` (daily) and `sweep_pdf_jobs` from cron).
CELERY_BEAT_SCHEDULE = {
    # Every retention rule of every app (lsa_portal/privacy.py), each night at half past three.
    "portal-apply-retention": {
        "task": "lsa_portal.apply_retention",
        "schedule": crontab(minute=30, hour=3),
    },
    "knowledge-sweep-pdf-jobs": {"task": "knowledge.sweep_pdf_jobs", "schedule": 5 * 60},
    "municipalities-sweep-briefs": {"task": "municipalities.sweep_briefs", "schedule": 5 * 60},
    "monitor-sweep-reports": {"task": "monitor.sweep_reports", "schedule": 5 * 60},
    # The first of every month at seven: last month's digest to the followers of a municipality.
    "municipalities-send-digests": {
        "task": "municipalities.send_digests",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    # Every morning at eight: the reporting rounds' reminders that are due, and invitations to
    # the enterprises published since a round opened.
    "monitor-send-round-reminders": {
        "task": "monitor.send_round_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
}

# --- Knowledge base -------------------------------------------------------------------------
# Report requests (names and e-mail addresses) are deleted after this many days.
KNOWLEDGE_REQUEST_RETENTION_DAYS = env.int("KNOWLEDGE_REQUEST_RETENTION_DAYS", default=365)
# How long the personal download link in a report-request mail works.
KNOWLEDGE_DOWNLOAD_LINK_DAYS = env.int("KNOWLEDGE_DOWNLOAD_LINK_DAYS", default=14)
# Public forms (report request, newsletter, advice): at most this many posts per address per hour.
KNOWLEDGE_FORM_RATE_LIMIT = (env.int("KNOWLEDGE_FORM_RATE_PER_HOUR", default=10), 60 * 60)
# Where advice requests are announced; empty: every active member of the staff group.
KNOWLEDGE_STAFF_INBOX = env.list("KNOWLEDGE_STAFF_INBOX", default=[])

# --- Open data API (/api/v1/) --------------------------------------------------------------
# Requests per client address per minute; past it the API answers 429 with Retry-After.
API_RATE_LIMIT = (env.int("API_RATE_PER_MINUTE", default=600), 60)
# How long a client or a shared cache may keep an answer (Cache-Control max-age, seconds).
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=60)
# Who answers questions about the API (info.contact of the OpenAPI document).
API_CONTACT_NAME = env.str("API_CONTACT_NAME", default="Redactie Wijkondernemingen")
API_CONTACT_EMAIL = env.str("API_CONTACT_EMAIL", default="opendata@example.org")

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Another site's window opened from the portal (or the portal opened from it) gets no handle on
# the other: no tab-nabbing, no cross-window leaks.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script of the portal reads the CSRF cookie: every form carries the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content Security Policy (django-csp 4). The portal serves its own script (htmx, shipped by
# django-htmx) and stylesheet only: no inline script, style element, style attribute or event
# handler anywhere (tests/portal/test_headers.py scans the templates, tests/browser/test_csp.py
# loads the pages in Chromium and listens for violations), so neither 'unsafe-inline' nor nonces
# are needed. Enforced everywhere, tests included. A developer may try a change of the policy as
# report-only with CSP_REPORT_ONLY; production ignores that and always enforces.
csp_directives = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "upgrade-insecure-requests": PRODUCTION,
}
if env.str("CSP_REPORT_URI", default=""):
    csp_directives["report-uri"] = [env.str("CSP_REPORT_URI")]
CONTENT_SECURITY_POLICY: dict[str, Any] | None
CONTENT_SECURITY_POLICY_REPORT_ONLY: dict[str, Any] | None
if env.bool("CSP_REPORT_ONLY", default=False) and not PRODUCTION:
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# Powerful browser features the portal never uses are switched off for it and anything it embeds
# (lsa_portal.middleware.PermissionsPolicyMiddleware writes the header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Logs and error reports -----------------------------------------------------------------
# One line per request with its id (lsa_portal/logs.py); every record carries the id of the
# request it was written in. "json": one JSON object per line, for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lsa_portal.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "lsa_portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # "Not Found: /x" for every 4xx would repeat the request line, which has the status;
        # server errors (with their traceback) are still logged.
        "django.request": {"level": "ERROR"},
        # runserver's own request lines (development) would repeat it too.
        "django.server": {"level": "ERROR"},
    },
}

# Error reports (lsa_portal/error_reporting.py): off unless a DSN of Sentry, a self-hosted
# Sentry or GlitchTip is set. Personal data is taken out before a report leaves the server.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from lsa_portal import error_reporting

    error_reporting.start(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
