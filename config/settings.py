"""CongVu settings: one module, read top to bottom, every value from the environment.

Every variable is listed in `.env.example`. Bad values fail loudly at start-up.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "staff",
    "training",
    "inspections",
    "scorecards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.i18n.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite file by default (WAL, immediate transactions), PostgreSQL via DATABASE_URL.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'congvu.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Reads: a larger page cache per connection (SQLITE_CACHE_MB; with SQLite's default 2 MB every scan of
        # a province-size table re-reads its pages through the file system). SQLITE_MMAP_MB maps the file into
        # memory instead (off by default: the resident size would count every page read, hiding real use).
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
            f"PRAGMA mmap_size={env_int('SQLITE_MMAP_MB', 0) * 1024 * 1024};"
            f"PRAGMA cache_size={-env_int('SQLITE_CACHE_MB', 16) * 1024};"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    server = []
    if not env_bool("POSTGRES_JIT", False):
        # The JIT compiler spends longer compiling the scorecard queries than running them; the app's queries
        # are short, so it is off unless POSTGRES_JIT=true.
        server.append("-c jit=off")
    # Parallel query spends several processes' CPU on a count one process does about as fast, which a small
    # server under concurrent users cannot spare. Serial by default; POSTGRES_PARALLEL_WORKERS gives it back.
    server.append(f"-c max_parallel_workers_per_gather={env_int('POSTGRES_PARALLEL_WORKERS', 0)}")
    options["options"] = " ".join([options.get("options", ""), *server]).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Caches. "default" holds expensive results (computed scorecards, chart images) under keys that name
# what they depend on: local memory in each process, or Redis when REDIS_URL is set (several app
# servers then share one cache). "versions" holds the data-version token (core.versions) that every
# process of the site must share: files under DATA_DIR/cache on one host (default), or Redis
# (REDIS_URL) with VERSIONS_CACHE=redis when the site runs on several hosts.
CACHE_REDIS_URL = os.environ.get("REDIS_URL", "").strip()
VERSIONS_CACHE = os.environ.get("VERSIONS_CACHE", "file").strip().lower()
if VERSIONS_CACHE not in ("file", "redis"):
    raise ImproperlyConfigured(f"VERSIONS_CACHE must be file or redis, got {VERSIONS_CACHE!r}")
_REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": CACHE_REDIS_URL or "redis://127.0.0.1:6379/0",
    "KEY_PREFIX": "congvu",
}
CACHES = {
    "default": (
        {**_REDIS_CACHE, "KEY_PREFIX": "congvu-default"}
        if CACHE_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "congvu-default"}
    ),
    "versions": (
        _REDIS_CACHE
        if VERSIONS_CACHE == "redis"
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
    ),
}

# Language and time: Vietnamese first, English second; Asia/Ho_Chi_Minh; dates dd/mm/yyyy.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# Uploads and exports.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# A nomination list is for one class: a few hundred people, a province-wide course a few thousand. Each
# person listed is checked against the staff list and kept for the preview (about 2.5 KB each), so the
# whole IMPORT_MAX_ROWS would take 240 MB at peak (bench/bench_upload_memory.py); this keeps it < 200 MB.
NOMINATION_IMPORT_MAX_ROWS = min(env_int("NOMINATION_IMPORT_MAX_ROWS", 5_000), IMPORT_MAX_ROWS)
# Separation of duties: nobody approves a checklist they filled, unless the administrator allows it here.
INSPECTION_SELF_APPROVAL = env_bool("INSPECTION_SELF_APPROVAL", False)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security (production values unless DEBUG).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Behind the TLS proxy (BEHIND_TLS_PROXY=true, deploy/nginx-congvu.conf.example) the site is HTTPS only:
# Django redirects any plain-HTTP request that reaches it (nginx already redirects port 80) and sends HSTS
# for a year, so `check --deploy --fail-level WARNING` passes with deploy/congvu.env.example. /healthz stays
# reachable over plain HTTP from the host itself (monitoring probes 127.0.0.1:8000 directly).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): no inline script or style, nothing from outside.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CongVu API",
    "DESCRIPTION": "Civil-servant training, internal inspection and scorecards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `kind` with different choices: name each set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "EnrollmentStatusEnum": "training.models.EnrollmentStatus",
        "InspectionStatusEnum": "inspections.models.InspectionStatus",
        "TemplateVersionStatusEnum": "inspections.models.VersionStatus",
        "ActionStatusEnum": "inspections.models.ActionStatus",
        "TemplateKindEnum": "inspections.models.TemplateKind",
        "StaffCategoryEnum": "staff.models.StaffCategory",
        "CourseCategoryEnum": "training.models.CourseCategory",
        "CertificateStatusEnum": [("valid", "valid"), ("revoked", "revoked")],
        "AttendanceStatusEnum": "training.models.AttendanceStatus",
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "congvu@localhost")

# Live scorecards follow the records: after a committed write they are recomputed at most this often.
SCORECARD_LIVE_MAX_AGE = env_int("SCORECARD_LIVE_MAX_AGE", 60)
# After a write, screens show the province's kept computation (labelled with its time) while the worker
# recomputes it, so that no page waits for a province computation. Needs a cache the worker shares with
# the app servers (REDIS_URL); with each process's local memory, the request computes. The day's first
# screen shows the day before's computation the same way. When a queued refresh has waited longer than
# SCORECARD_STALE_LIMIT seconds (the worker is taken to be down), the request computes.
SCORECARD_REFRESH_IN_BACKGROUND = env_bool("SCORECARD_REFRESH_IN_BACKGROUND", bool(CACHE_REDIS_URL))
SCORECARD_STALE_LIMIT = env_int("SCORECARD_STALE_LIMIT", 900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- operations ---
# Background jobs through one interface (django-tasks): the database back-end by default (works with
# `make run`, worker: `manage.py db_worker`), RQ on Redis in production (worker: `manage.py rqworker`).
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "django_rq", "django_tasks_rq", "jobs", "notifications"]
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
JOBS_QUEUE = os.environ.get("TASKS_QUEUE", "default")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASKS_BACKEND!r}")
# Tasks are declared on the "default" queue and sent to JOBS_QUEUE (TASKS_QUEUE) when enqueued.
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": sorted({"default", JOBS_QUEUE})}}
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env_int("JOBS_TIMEOUT", 3600)} for name in TASKS["default"]["QUEUES"]
}
RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}  # RQ workers must run django-tasks' job class
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
REMINDER_DAYS_BEFORE_DUE = env_int("REMINDER_DAYS_BEFORE_DUE", 3)
REMINDER_LOOKBACK_DAYS = env_int("REMINDER_LOOKBACK_DAYS", 2)  # enrollment changes older than this are not announced
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")  # for links in e-mails
# SMTP in production (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); console otherwise.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Media on the file system (MEDIA_ROOT) by default; S3-compatible storage with MEDIA_STORAGE=s3
# (needs `pip install django-storages[s3]`; see README "Running CongVu for a whole province").
if os.environ.get("MEDIA_STORAGE", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
LOGGING["loggers"]["django_tasks"] = {"level": "INFO"}
LOGGING["loggers"]["django_tasks_db"] = {"level": "INFO"}

# --- offline ---
INSTALLED_APPS += ["offline"]

# --- documents ---
# Word documents from editable templates (docxtpl), Decree 30/2020 layout; see README "Documents".
INSTALLED_APPS += ["documents"]
DOCUMENT_PLACE = os.environ.get("DOCUMENT_PLACE", "Cao Bằng")  # the place in "Cao Bằng, ngày … tháng … năm …"
DOCUMENT_TEMPLATE_MAX_BYTES = env_int("DOCUMENT_TEMPLATE_MAX_BYTES", 5 * 1024 * 1024)

# --- hardening ---
# Audit trail (django-simple-history, models registered in audit/models.py), login protection
# (django-axes), optional TOTP second factor (django-otp), session time-outs and security logging.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["audit", "simple_history", "axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "core.middleware.SessionTimeoutMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.SessionTimeoutMiddleware") + 1, "core.middleware.SecondFactorMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.SecondFactorMiddleware") + 1, "simple_history.middleware.HistoryRequestMiddleware"
)
MIDDLEWARE.insert(0, "core.middleware.SecurityLogMiddleware")
MIDDLEWARE.insert(1, "core.middleware.NoStoreMiddleware")  # Cache-Control: no-store when signed in
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # must be last
# django-axes' lockout first; CongVu's permissions from the user's grants (staff.access) before Django's
# model permissions, which it never asks for them.
AUTHENTICATION_BACKENDS = [
    "core.security.LoginBackend",
    "staff.access.ScopeBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # offices share one public address
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "audit/locked_out.html"
AXES_LOCKOUT_CALLABLE = "core.api.lockout_response"  # JSON under /api/ (token endpoint), the page elsewhere
AXES_VERBOSE = False

SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)  # seconds without a request
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 10 * 3600)  # seconds since login
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "CongVu")
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", False)
# API tokens (core.tokens): valid this many days after issue; revoked when the password changes.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
AUDIT_EXPORT_MAX_ROWS = env_int("AUDIT_EXPORT_MAX_ROWS", 100_000)
LOGGING["loggers"]["congvu.security"] = {"level": "INFO"}
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    *SPECTACULAR_SETTINGS.get("POSTPROCESSING_HOOKS", ["drf_spectacular.hooks.postprocess_schema_enums"]),
    "core.security.document_error_responses",
    "core.api.document_plain_times",
]
