"""Settings from the environment: safe defaults for a laptop demo, strict ones when DEBUG is off.

Production sets BIRTIZIM_SECRET_KEY, BIRTIZIM_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and
BIRTIZIM_DATA_DIR; with BIRTIZIM_DEBUG unset, cookies are secure and HSTS is on, so
``manage.py check --deploy`` passes. docs/web.md ("Production") lists every variable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BIRTIZIM_DATA_DIR", "data/web")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, uploads and runs live here
(DATA_DIR / "static").mkdir(exist_ok=True)  # collectstatic target; whitenoise warns if it is missing

DEBUG = os.environ.get("BIRTIZIM_DEBUG", "") == "1"
_secret = os.environ.get("BIRTIZIM_SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise RuntimeError("set BIRTIZIM_SECRET_KEY (or BIRTIZIM_DEBUG=1 for a local demo)")
    _secret = "insecure-local-demo-key-" + "x" * 40  # only ever with DEBUG on
SECRET_KEY = _secret
# The key of the audit log's IIN hashes (audit.services.iin_hash). Set it once and keep it: hashes made
# under another key no longer match. Derived from SECRET_KEY when unset.
AUDIT_HASH_KEY = os.environ.get("BIRTIZIM_AUDIT_KEY") or hashlib.sha256(f"audit:{SECRET_KEY}".encode()).hexdigest()
ALLOWED_HOSTS = [h for h in os.environ.get("BIRTIZIM_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "birtizim.web.common",
    "birtizim.web.accounts",
    "birtizim.web.registry",
    "birtizim.web.audit",
    "birtizim.web.projects",
    "birtizim.web.vouchers",
    "birtizim.web.outreach",
    "birtizim.web.fares",
    "birtizim.web.demo",  # the demo loaders (manage.py birtizim_*_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "birtizim.web.common.middleware.security_headers",  # CSP and Permissions-Policy, static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "birtizim.web.common.middleware.language_by_choice",  # before LocaleMiddleware
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "birtizim.web.common.middleware.session_idle_end",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "birtizim.web.common.middleware.DomainErrors",  # NotAllowed/NotFound/Conflict -> 403/404/409
]

ROOT_URLCONF = "birtizim.web.urls"
WSGI_APPLICATION = "birtizim.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "birtizim.web.accounts.context.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'birtizim.sqlite3'}",
        # gunicorn's sync workers serve one request at a time: a connection kept for a minute saves a
        # PostgreSQL connection set-up (a few ms) per request; health checks drop broken ones.
        conn_max_age=int(os.environ.get("BIRTIZIM_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server write to one SQLite file: wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process's own memory: the dashboard's rendered figures, one copy per run, scope and language
# (registry.views.dashboard). Nothing personal is cached, so nothing needs sharing or clearing.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}
DASHBOARD_CACHE_SECONDS = 600

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Failed logins (common.throttle): an account may fail 5 times, then waits 30 s, 1 min, 2 min... at most
# 15 min per further failure; a client address (a whole office may share one) 50 times. Forgotten after a
# quiet day; a correct password clears the account's count.
LOGIN_THROTTLE = {
    "account_free": int(os.environ.get("BIRTIZIM_LOGIN_FAILURE_LIMIT", "5")),
    "address_free": int(os.environ.get("BIRTIZIM_LOGIN_ADDRESS_FAILURE_LIMIT", "50")),
    "delay_seconds": 30,
    "max_delay_seconds": 900,
    "forget_hours": 24,
}
# The client's address behind reverse proxies (common.client): the header they set and how many of them
# stand in front of the app. Production assumes one (nginx, deploy/nginx.conf), as SECURE_PROXY_SSL_HEADER
# does; a server reached directly (make serve, the demo) sets 0, or a client could forge its address.
PROXY_HEADER = "HTTP_" + os.environ.get("BIRTIZIM_PROXY_HEADER", "X-Forwarded-For").upper().replace("-", "_")
TRUSTED_PROXIES = int(os.environ.get("BIRTIZIM_TRUSTED_PROXIES", "0" if DEBUG else "1"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
FORMAT_MODULE_PATH = ["birtizim.web.formats"]  # Kazakh number and date formats (Django has none)
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the apps in development without collectstatic

# Uploads: agency extracts can be large; Django streams anything over 2.5 MB to a temporary file.
# Construction forecasts are made as of this date (YYYY-MM-DD) when set; otherwise as of the date the
# demo pinned, otherwise today (see birtizim.web.projects).
PROJECTS_AS_OF = os.environ.get("BIRTIZIM_PROJECTS_AS_OF") or None

# Every file sent to the web goes through birtizim.web.common.intake: the names (None: any name; the
# content decides) and the bytes each kind accepts, and the types its first bytes must show.
INTAKE = {
    "agency_list": {  # the registry's uploads: an agency's list as sent
        "extensions": (".csv", ".tsv", ".txt", ".xlsx"),
        "max_bytes": int(os.environ.get("BIRTIZIM_MAX_UPLOAD_MB", "500")) * 2**20,
        "types": ("text", "xlsx"),
    },
    "photo": {  # a construction progress report's photos
        "extensions": None,
        "max_bytes": int(os.environ.get("BIRTIZIM_PROJECTS_MAX_PHOTO_MB", "10")) * 2**20,
        "types": ("image/jpeg", "image/png", "image/webp"),
    },
    "progress_sheet": {"extensions": (".xlsx",), "max_bytes": 5 * 2**20, "types": ("xlsx",)},  # a few hundred rows
    "outreach_log": {"extensions": (".xlsx", ".csv", ".txt"), "max_bytes": 20 * 2**20, "types": ("text", "xlsx")},
    "fares_table": {"extensions": (".xlsx", ".csv", ".txt"), "max_bytes": 50 * 2**20, "types": ("text", "xlsx")},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20

SESSION_COOKIE_HTTPONLY = True
# A session ends when the browser closes (the cookie has no date) and after 30 idle minutes (the stored
# session's end moves forward on use, at most once a minute: common.middleware.session_idle_end).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("BIRTIZIM_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_TOUCH_SECONDS = 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles from this origin only: no inline script or style, no eval (htmx is told so in
# base.html's htmx-config). Charts and QR codes are inline <svg> elements, which need no source.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        *("accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "geolocation", "gyroscope"),
        *("hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb", "xr-spatial-tracking"),
    )
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("BIRTIZIM_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the proxy's and systemd's checks speak plain HTTP locally
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Messages name runs and counts, never a person: no IIN or name is ever logged.
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"birtizim": {"handlers": ["console"], "level": "INFO"}},
}

# Background runs (manage.py birtizim_worker): the worker writes a heartbeat onto the run every 10 s;
# a running run without one for 2 minutes lost its worker (killed, out of memory, machine restarted)
# and is requeued (two attempts in all, then it fails) by any worker, its folder removed.
RUN_HEARTBEAT_SECONDS = float(os.environ.get("BIRTIZIM_RUN_HEARTBEAT_SECONDS", "10"))
RUN_STALE_SECONDS = float(os.environ.get("BIRTIZIM_RUN_STALE_SECONDS", "120"))
RUN_ATTEMPTS = int(os.environ.get("BIRTIZIM_RUN_ATTEMPTS", "2"))
