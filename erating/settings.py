"""Settings come from environment variables; every default is safe for production
except where LOCAL_HTTP=1 (`make run`: the product on this machine over plain http) or DEBUG=1
(a developer's debug pages) relaxes it."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("ERATING_TESTING", False)
# `make run`: the product as users see it (its own 403/404/500 pages, DEBUG off) served by
# runserver on this machine over plain http. It may only ever answer for local host names.
LOCAL_HTTP = env_bool("LOCAL_HTTP", False)
LOCAL = DEBUG or LOCAL_HTTP

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (LOCAL or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (LOCAL or TESTING) else "")
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]", "::1"}:
    raise ImproperlyConfigured("LOCAL_HTTP is for this machine only: ALLOWED_HOSTS must be local host names.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # its Swagger UI assets, served from our own static files (never a CDN)
    "django_tasks_db",
    "erating.base",
    "erating.control",
    "erating.portal",
    "erating.rate",
    "erating.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "erating.base.middleware.SecurityHeadersMiddleware",
    "erating.base.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "erating.base.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "erating.base.middleware.ScopeMiddleware",
    "erating.base.dbrouter.ReplicaReadsMiddleware",
    "erating.api.bodies.ApiBodyMiddleware",
]

# The API (device tokens, JSON, no cookies) runs behind this shorter chain; see erating/wsgi.py.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "erating.base.middleware.SecurityHeadersMiddleware",
    "erating.base.middleware.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "erating.base.middleware.ScopeMiddleware",
    "erating.api.bodies.ApiBodyMiddleware",
]

ROOT_URLCONF = "erating.urls"
WSGI_APPLICATION = "erating.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "erating" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "erating.base.context_processors.erating",
                "erating.base.dbrouter.freshness",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dashboard read while ratings are written.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Behind PgBouncer in transaction mode a connection's session is not ours between transactions:
# no named cursors (Django) and no prepared statements (the rating writer).
if os.environ.get("DB_TRANSACTION_POOLING", "0") == "1":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A streaming replica for the read-heavy pages (erating/base/dbrouter.py); without it, one database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["erating.base.dbrouter.ReplicaRouter"] if REPLICA_READS else []
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_LAG_CACHE_SECONDS = float(os.environ.get("REPLICA_LAG_CACHE_SECONDS", "1"))
# After a write the session reads the primary until the replica must have caught up.
REPLICA_PIN_SECONDS = float(os.environ.get("REPLICA_PIN_SECONDS",
                                           str(REPLICA_MAX_LAG_SECONDS + REPLICA_LAG_CACHE_SECONDS)))
REPLICA_READ_VIEWS = ["control:analysis*", "control:report_index", "portal:results*", "portal:home*"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Seconds: a Redis host that stops answering must not hold requests (the limits fail open).
    _redis_timeout = float(os.environ.get("REDIS_TIMEOUT", "1"))
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "erating"}}

AUTH_USER_MODEL = "base.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Trusted reverse proxies (load balancers) in front of the app: the client's address is this many
# entries from the right of X-Forwarded-For. 0: the app faces clients directly.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

LOGIN_URL = "control:login"
LOGIN_REDIRECT_URL = "control:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout: five failures lock the account, twenty lock the address, for 30 minutes. The address
# limit is higher because a whole office may share one public address.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_FAILURE_LIMIT = "erating.control.views.auth.failure_limit"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_HOURS", "0.5"))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "erating.control.views.auth.locked_out"
# One resolver for the client's address and one for the login name (erating/base/identity.py),
# used by axes as by the audit log, tablet pairing and the rating limits.
AXES_CLIENT_IP_CALLABLE = "erating.base.identity.axes_client_ip"
AXES_USERNAME_CALLABLE = "erating.base.identity.axes_username"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_AGE_SECONDS", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "ms"
LANGUAGES = [("ms", _("Bahasa Melayu")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Kuala_Lumpur"
USE_I18N = True
# Our own Malay formats (erating/formats/ms): 24-hour time.
FORMAT_MODULE_PATH = ["erating.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "erating" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files with personal or tenant data (reports, kept schedule files): beside the database, never
# under anything a web server serves; only the download views (which check the user) read them.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))
for _served in (MEDIA_ROOT, STATIC_ROOT, BASE_DIR / "erating" / "static"):
    if PRIVATE_ROOT.resolve() == _served.resolve() or _served.resolve() in PRIVATE_ROOT.resolve().parents:
        raise ImproperlyConfigured(f"PRIVATE_ROOT must not be inside {_served}: that folder is served.")
# Without DEBUG, runserver serves no static files: WhiteNoise serves them from the source
# folders instead (no collectstatic needed for `make run`).
WHITENOISE_USE_FINDERS = LOCAL or TESTING
WHITENOISE_AUTOREFRESH = LOCAL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (LOCAL or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

_smtp_options = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
}
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if LOCAL else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": _smtp_options if _email_backend.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "eRating <noreply@erating.gov.my>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Production hardening; LOCAL_HTTP / DEBUG (this machine over plain http) relax the https-only parts.
SECURE = not LOCAL and env_bool("SECURE", True)
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page: scripts and styles only from our own origin (no inline
# script, no inline event handler, no style attribute anywhere); the one inline <style> (the QR
# page's critical CSS, which must arrive with the page) carries the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

CSRF_FAILURE_VIEW = "erating.base.views.csrf_failure"

# Background work (Django's tasks framework): stored in the database by django-tasks-db and run by
# `manage.py db_worker` (one or more, on any server); `manage.py run_periodic` enqueues the
# periodic ones (erating/base/periodic.py). TASKS_BACKEND may name another backend, e.g.
# django.tasks.backends.immediate.ImmediateBackend to run tasks inside the request.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": env_list("TASKS_QUEUES", "default"),
    }
}

# Reports (erating/base/reports): row-level PDF/XLSX reports above REPORT_INLINE_ROWS rows are built
# by a background task and kept in "My reports" for REPORT_FILE_HOURS; a scheduled report larger
# than REPORT_ATTACH_MAX_BYTES is linked from its e-mail instead of attached.
REPORT_INLINE_ROWS = int(os.environ.get("REPORT_INLINE_ROWS", "20000"))
REPORT_FILE_HOURS = int(os.environ.get("REPORT_FILE_HOURS", "72"))
REPORT_ATTACH_MAX_BYTES = int(os.environ.get("REPORT_ATTACH_MAX_BYTES", str(5 * 1024 * 1024)))
# Processes laying out the parts of a long PDF side by side (forked; for single-threaded task workers).
REPORT_PDF_PROCESSES = int(os.environ.get("REPORT_PDF_PROCESSES", "1"))

# Rating capture abuse limits (erating/base/ingest/limits.py): one phone rates one target once
# per window; submissions per IP address per minute; bursts above the max in the burst window
# are stored but flagged.
RATING_REPEAT_WINDOW_SECONDS = int(os.environ.get("RATING_REPEAT_WINDOW_SECONDS", "300"))
# Public portal: how long live figures and public results are cached, and the fewest ratings a
# ministry or agency needs in a period before the portal lists it on its own.
PORTAL_CACHE_SECONDS = int(os.environ.get("PORTAL_CACHE_SECONDS", "300"))
PUBLIC_RESULTS_MIN_RATINGS = int(os.environ.get("PUBLIC_RESULTS_MIN_RATINGS", "30"))
RATING_IP_PER_MINUTE = int(os.environ.get("RATING_IP_PER_MINUTE", "30"))
# Public GETs that cost work and produce nothing (unknown QR codes, the application form), per address.
PUBLIC_PER_MINUTE = int(os.environ.get("PUBLIC_PER_MINUTE", "60"))
# Background reports one user may have waiting or running at once (the next is refused).
REPORT_JOBS_PER_USER = int(os.environ.get("REPORT_JOBS_PER_USER", "3"))
RATING_BURST_WINDOW_SECONDS = int(os.environ.get("RATING_BURST_WINDOW_SECONDS", "600"))
RATING_BURST_MAX = int(os.environ.get("RATING_BURST_MAX", "10"))
RATING_BURST_DEVICE_MAX = int(os.environ.get("RATING_BURST_DEVICE_MAX", "120"))
