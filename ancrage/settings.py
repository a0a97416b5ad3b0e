"""One settings module for every environment, driven by environment variables (12-factor)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Development and demo run with DEBUG or ANCRAGE_DEMO; anything else is production.
DEMO = env_bool("ANCRAGE_DEMO", False)
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
PRODUCTION = not (DEBUG or DEMO or env_bool("ANCRAGE_TESTING", False))
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production "
        "(or set DEBUG=1 / ANCRAGE_DEMO=1 for a local run)."
    )

# Encryption at rest of sensitive free text (safeguarding narratives) with
# django-fernet-encrypted-fields: each key is derived from SECRET_KEY (and SECRET_KEY_FALLBACKS)
# and one salt of SALT_KEY. The first salt encrypts, every salt decrypts: to rotate, put a new
# salt first in FIELD_ENCRYPTION_SALTS, re-save the rows (`ancrage reencrypt_incidents`), then
# drop the old salt. See docs/decisions.md.
DEVELOPMENT_SALT_KEY = "ancrage-development-salt-never-use-in-production"
SALT_KEY = env_list("FIELD_ENCRYPTION_SALTS", "" if PRODUCTION else DEVELOPMENT_SALT_KEY)
if PRODUCTION and (
    not SALT_KEY or DEVELOPMENT_SALT_KEY in SALT_KEY or any(len(salt) < 32 for salt in SALT_KEY)
):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_SALTS must hold one or more random values of 32 characters or more, "
        "separated by commas (the first one encrypts), in production."
    )
# An old SECRET_KEY kept here still decrypts what was encrypted under it.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "ancrage.kernel.apps.AncrageAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ancrage.kernel",
    "ancrage.accounts",
    "ancrage.organisation",
    "ancrage.people",
    "ancrage.placements",
    "ancrage.safeguarding",
    "ancrage.care",
    "ancrage.insertion",
    "ancrage.staff",
    "ancrage.families",
    "ancrage.accounting",
    "ancrage.participation",
    "ancrage.privacy",
    "ancrage.web",
    "ancrage.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (the CSRF check parses the form).
    "ancrage.kernel.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, saving an unchanged session at most once a minute (kernel/sessions.py).
    "ancrage.kernel.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ancrage.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every response to a logged-in user: no-store, private (pages and downloads alike).
    "ancrage.kernel.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that a locked-out attempt never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ancrage.urls"
WSGI_APPLICATION = "ancrage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ancrage.kernel.context_processors.ancrage",
            ],
        },
    },
]

# PostgreSQL: a gunicorn thread keeps its connection for a minute (a new one per request costs a
# server process and its authentication: bench/RESULTS.md, issue 19), checked before reuse.
_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'ancrage.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if _POSTGRES else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, which also runs SQLite's `PRAGMA optimize` (kernel/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "ancrage.kernel.sqlite"
    # The tests' database stays in memory, as Django does for its own SQLite backend: say so, or
    # pytest-django (which recognises SQLite by Django's engine name) would derive a file name
    # for each xdist worker from the file's path.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
    # WAL and a busy timeout let the demo server and a seed run side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it suits long analytical queries; on the pages' queries it added up to
    # 100 ms of compiling for nothing (the O2R report at large scale, docs/decisions.md).
    # No parallel workers by default: a query planned with them starts two more server
    # processes; on the two cores the web server shares with PostgreSQL, an O2R team's list took
    # 40 ms and three processes instead of 8 ms in one, and the load run at 100 clients served
    # 77 requests a second instead of 52 (docs/decisions.md, 2026-12-06). A database server of
    # its own with cores to spare may allow some (PG_PARALLEL_WORKERS, per query).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        "-c jit=off -c max_parallel_workers_per_gather="
        + str(int(os.environ.get("PG_PARALLEL_WORKERS", "0"))),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy, REMOTE_ADDR is the proxy's: the client address is read (through
# django-ipware) from a header the proxy always overwrites, e.g. CLIENT_IP_HEADER=X-Real-IP with
# nginx's `proxy_set_header X-Real-IP $remote_addr;`. Never set it without such a proxy: the
# client could then choose its own address.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
if CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (
        "HTTP_" + CLIENT_IP_HEADER.upper().replace("-", "_"),
        "REMOTE_ADDR",
    )

# Two-factor authentication: mandatory for roles that see nominative data. The demo relaxes it
# (ANCRAGE_RELAX_2FA=1) and every page then says so in a banner.
RELAX_TWO_FACTOR = env_bool("ANCRAGE_RELAX_2FA", False)
if PRODUCTION and RELAX_TWO_FACTOR:
    raise ImproperlyConfigured("ANCRAGE_RELAX_2FA is for the demo only.")
OTP_TOTP_ISSUER = "Ancrage"
# The technical administrator may reset a device, never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Idle session expiry: a session dies after this much idleness. Its expiry is pushed back by the
# requests, saving it at most once a minute when its data has not changed (kernel/sessions.py:
# no write per page), so it dies 29 to 30 minutes after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ENGINE = "ancrage.kernel.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: no inline script anywhere, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Break-the-glass: how long a national director's justified access to a file lasts.
BREAK_GLASS_MINUTES = int(os.environ.get("BREAK_GLASS_MINUTES", "60"))

# How long the access log (who read which file) is kept: 6 to 12 months (CNIL recommendation on
# logging, délibération 2021-122); the retention run deletes what is older.
ACCESS_LOG_RETENTION_MONTHS = os.environ.get("ACCESS_LOG_RETENTION_MONTHS", "12").strip()
if not ACCESS_LOG_RETENTION_MONTHS.isdigit() or not 6 <= int(ACCESS_LOG_RETENTION_MONTHS) <= 12:
    raise ImproperlyConfigured(
        "ACCESS_LOG_RETENTION_MONTHS must be a number of months from 6 to 12 (the CNIL keeps the "
        f"access log between six months and one year); found {ACCESS_LOG_RETENTION_MONTHS!r}."
    )
ACCESS_LOG_RETENTION_MONTHS = int(ACCESS_LOG_RETENTION_MONTHS)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
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
# Uploaded documents live outside the web root and are served only through access checks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "var" / "documents"))
# The largest document (judgment, ASE decision) one may attach to a measure, in bytes (10 MiB).
# The reverse proxy should refuse larger request bodies before they reach Django.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# A video of a person's file (MP4 or WebM): the media upload page alone takes bodies up to this
# (kernel.middleware.large_body); the reverse proxy needs the same limit for that path.
MEDIA_MAX_BYTES = int(os.environ.get("MEDIA_MAX_BYTES", str(50 * 1024 * 1024)))
# The largest request body accepted at all (a document and its form), refused with 413 by
# kernel.middleware.RequestBodyLimitMiddleware before it is read; set the reverse proxy's
# limit (nginx `client_max_body_size`) to the same value. Bodies without a file keep Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); files over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) are
# spooled to a temporary file rather than held in memory.
REQUEST_BODY_MAX_BYTES = int(
    os.environ.get("REQUEST_BODY_MAX_BYTES", str(DOCUMENT_MAX_BYTES + 1024 * 1024))
)
# The largest FEC (the books of a year, 500 000 lines and more) the import page accepts: that
# one view takes a body above REQUEST_BODY_MAX_BYTES (kernel.middleware.large_body); give the
# reverse proxy the same exception for /comptabilite/ecritures/importer/.
FEC_MAX_BYTES = int(os.environ.get("FEC_MAX_BYTES", str(256 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Stored documents are readable by the application's user (and its group, for backups) only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ancrage@localhost")

# Background work (Django's tasks API through the django-tasks backport, docs/decisions.md):
# TASK_BACKEND=database (the default: the jobs wait in the database, SQLite or PostgreSQL, nothing
# more to run than `ancrage worker`) or TASK_BACKEND=rq (RQ over the Redis at REDIS_URL, for
# several machines). The tables of both stay installed, so switching is a setting, not a migration.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)} (found {TASK_BACKEND!r})."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
# A job longer than this is stopped by RQ (the database worker has no limit).
JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "1800"))
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL,
        "DEFAULT_TIMEOUT": JOB_TIMEOUT_SECONDS,
        # Fail fast when Redis is down: enqueueing answers a French message, not a hung page.
        "SOCKET_CONNECT_TIMEOUT": 2,
        "SOCKET_TIMEOUT": 5,
    }
}
RQ_SHOW_ADMIN_LINK = False
# How long the file a job produced (an export) stays downloadable before it is deleted.
JOB_RESULT_HOURS = int(os.environ.get("JOB_RESULT_HOURS", "24"))
# A running job whose progress has not moved for this long is taken as lost (its worker died):
# `ancrage worker` enqueues it again, and the job, being idempotent, finishes once.
JOB_STALL_SECONDS = int(os.environ.get("JOB_STALL_SECONDS", "300"))
# A queued job that no worker has claimed for this long lost its task (a Redis queue flushed or
# lost): the housekeeping task enqueues it again (a duplicate delivery is claimed once).
JOB_LOST_SECONDS = int(os.environ.get("JOB_LOST_SECONDS", "900"))
# The housekeeping task (stalled and lost jobs, expired files) runs this often when it
# schedules itself (`ancrage job_housekeeping --schedule`).
JOB_HOUSEKEEPING_SECONDS = int(os.environ.get("JOB_HOUSEKEEPING_SECONDS", "300"))

# django-auditlog keeps before/after values of every write to personal data.
AUDITLOG_INCLUDE_ALL_MODELS = False

# LOG_FORMAT=json writes one JSON object a line (ancrage/kernel/logs.py) for a log collector;
# "text" (the default) keeps Python's plain lines. No log line names a person (docs/deployment.md).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json (found {LOG_FORMAT!r}).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ancrage.kernel.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Safe staff (ancrage/staff; docs/decisions.md): the attestation d'honorabilité is renewed every
# 3 years in child-protection establishments, and is presented less than 6 months after it was
# issued (CASF L133-6, R133-1 ff., décret 2024-643 of 28 June 2024); the director is told this
# many days ahead of a renewal.
STAFF_ATTESTATION_RENEWAL_MONTHS = int(os.environ.get("STAFF_ATTESTATION_RENEWAL_MONTHS", "36"))
STAFF_ATTESTATION_MAX_AGE_MONTHS = int(os.environ.get("STAFF_ATTESTATION_MAX_AGE_MONTHS", "6"))
STAFF_ATTESTATION_NOTICE_DAYS = int(os.environ.get("STAFF_ATTESTATION_NOTICE_DAYS", "60"))
# Safeguarding training (ancrage/staff; docs/decisions.md): the induction within this many days of
# arriving, a refresher every this many months.
STAFF_INDUCTION_DAYS = int(os.environ.get("STAFF_INDUCTION_DAYS", "30"))
STAFF_REFRESHER_MONTHS = int(os.environ.get("STAFF_REFRESHER_MONTHS", "24"))
