"""One settings module, driven by environment variables with strict parsing.

Every variable has a safe development default, so a fresh clone runs with no configuration.
A malformed value stops the process with ImproperlyConfigured instead of being guessed at.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key is only accepted with DEBUG on: production must bring its own.
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlparse(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) URL, got {SITE_URL!r}")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"{_site.hostname},localhost,127.0.0.1,testserver")
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_q",
    "config",
    "accounts",
    "quizzes",
    "contests",
    "training",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files keep its headers); it reads request.user on the way out.
    "config.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # Assisted mode: on the assisted attempt's pages only, the officer's session acts for the resident.
    "contests.assist.AssistedAttemptMiddleware",
    # Axes last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "accounts.context_processors.user_roles",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0 if DEBUG else 60
    # Django's own backend, tuned for a web server with its documented options: writers take the
    # lock at BEGIN (IMMEDIATE: two requests never deadlock upgrading a read lock), a writer that
    # finds the lock taken waits up to `timeout` seconds (SQLite's busy timeout) instead of
    # failing, and WAL lets readers run beside the one writer.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server (Django's documented server_side_binding option), so psycopg
    # prepares a statement run often once per connection instead of planning it on every request.
    # Off for a pooler in transaction mode that cannot keep prepared statements (PgBouncer < 1.21).
    _db["OPTIONS"] = {"server_side_binding": env_bool("DB_SERVER_SIDE_BINDING", True)}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, rate limits ---------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# The database cache, unless REDIS_URL is set: shared by every worker process, so rate limits hold
# across gunicorn workers. Django's default MAX_ENTRIES (300) would make it delete a third of the
# live entries whenever it holds more, rate-limit counters included: a thousand residents starting
# within ten minutes are a thousand counters. Past MAX_ENTRIES it first deletes the expired ones.
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "cache_entries",
    "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # Written through to the database, read from Redis: a Redis restart (or eviction) signs no
    # one out, and a resident's 30-day session outlives any cache.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": DATABASE_CACHE}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# How long a login lasts (accounts/sessions.py): "Remember me on this phone" keeps a resident in
# for RESIDENT_SESSION_DAYS, staff never more than STAFF_SESSION_HOURS; unticked, the session ends
# when the browser closes. SESSION_COOKIE_AGE is what the server keeps a browser-close session.
RESIDENT_SESSION_SECONDS = env_int("RESIDENT_SESSION_DAYS", 30) * 24 * 60 * 60
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_HOURS", 8) * 60 * 60
SESSION_COOKIE_AGE = STAFF_SESSION_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_SAVE_EVERY_REQUEST = False

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.LoginLimitBackend",
    "accounts.backends.PhoneOrEmailBackend",
]
LOGIN_URL = "accounts:login"
# Each role's first page (config/landing.py), unless a safe ?next= says otherwise.
LOGIN_REDIRECT_URL = "after_login"
# Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1: accounts/hashers.py), about a tenth of the CPU
# of PBKDF2's 1,000,000 iterations. PBKDF2 stays after it so older hashes still log in; Django
# rewrites them with the first hasher at the person's next successful login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked account opens again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Axes defaults to USERNAME_FIELD ("phone"), but the login form posts the credential as `username`:
# without this every attempt is recorded with username None and the lockout is per IP only.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# One phone number, one lockout counter, however it is spelled ("+84 912…", "0912…").
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
# Reverse proxies in front of the app (nginx: 1; a load balancer and nginx: 2). Each appends the
# address it saw to X-Forwarded-For; accounts.ratelimit.client_ip reads the N-th entry from the
# right, and ignores the header with 0. Too high a count lets a client choose its address (the
# entries left of the proxies' are the client's own writing); too low puts everyone behind the
# proxy under one address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")
# The lockout keys on the same address as the rate limits: one rule, one place.
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_ip"

# --- Rate limits (accounts/ratelimit.py) --------------------------------------------------------
# kind: (events allowed, window in seconds), counted in the cache in fixed windows aligned on the
# clock. Many residents of one mobile network share one public address (carrier-grade NAT), and a
# village hall puts everyone behind one router: the per-address limits are sized for hundreds of
# honest people and only stop floods; the per-account and per-person limits do the real work.
RATE_LIMITS = {
    # Wrong passwords. django-axes locks one account from one address after AXES_FAILURE_LIMIT;
    # these add one account guessed from many addresses, and one address trying many accounts
    # (password spraying). Over either, the login is refused before the password is checked.
    "login-failure-account": (env_int("LOGIN_FAILURES_PER_ACCOUNT", 20), 60 * 60),
    "login-failure-address": (env_int("LOGIN_FAILURES_PER_ADDRESS", 100), 15 * 60),
    # Registration form posts (failed ones too: probing which numbers are registered).
    "register-address": (env_int("REGISTRATION_RATE_LIMIT", 100), 60 * 60),
    # Password-reset emails: a person's inbox and the mail server are not to be flooded.
    "reset-email-account": (env_int("RESET_EMAILS_PER_ACCOUNT", 3), 60 * 60),
    "reset-email-address": (env_int("RESET_EMAILS_PER_ADDRESS", 100), 60 * 60),
    # Tries at a one-time reset code (a code lives 15 minutes).
    "reset-code-account": (env_int("RESET_CODE_TRIES_PER_ACCOUNT", 5), 15 * 60),
    "reset-code-address": (env_int("RESET_CODE_TRIES_PER_ADDRESS", 100), 15 * 60),
    # New attempts at contest rounds (a resumed attempt is not a start).
    "contest-start-person": (env_int("CONTEST_STARTS_PER_PERSON", 10), 10 * 60),
    "contest-start-address": (env_int("CONTEST_STARTS_PER_ADDRESS", 300), 10 * 60),
}
for _kind, (_events, _seconds) in RATE_LIMITS.items():
    if _events < 1:
        raise ImproperlyConfigured(f"the rate limit {_kind!r} must allow at least 1 event, got {_events}")

# Contestants' personal data is anonymised this many months after a contest's last prizes were
# awarded (contests/retention.py, `manage.py apply_retention`, run daily).
CONTEST_DATA_RETENTION_MONTHS = env_int("CONTEST_DATA_RETENTION_MONTHS", 12)
if CONTEST_DATA_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("CONTEST_DATA_RETENTION_MONTHS must be at least 1")

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@dongtrabong.example")

# --- Text messages (accounts/sms.py) ----------------------------------------------------------
# A dotted path to an SMS backend class, like EMAIL_BACKEND. The console backend (development)
# writes messages to the server's output; empty: no text messages (the officer's page shows a
# reset code instead). No provider ships with the project: see accounts/sms.py to plug one in.
SMS_BACKEND = env_str("SMS_BACKEND", "accounts.sms.ConsoleSmsBackend" if DEBUG else "")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
# dd/mm/yyyy in every language, as Vietnamese offices write dates.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic writes here; a deployment may point it elsewhere (tests/test_deploy.py uses a temp dir).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploads above this are refused before they reach a parser (staff lists, question banks).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form explained in Vietnamese, inside the site layout (accounts/views.py).
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đông Trà Bồng CCHC API",
    "DESCRIPTION": "Training modules, quizzes and contests on administrative reform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets are vendored under static/, never loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Quizzes ----------------------------------------------------------------------------------
# Seconds after an attempt's deadline during which answers in flight are still accepted.
ATTEMPT_GRACE_SECONDS = env_int("ATTEMPT_GRACE_SECONDS", 60)

# --- Task queue (django-q2) ---------------------------------------------------------------------
# One API on both set-ups: the ORM broker keeps the queue in the database itself, so the embedded
# SQLite default needs no other server (`manage.py qcluster` is the worker, `make run` starts it)
# and a cluster's workers on several machines share its PostgreSQL. A task is deleted from the
# queue only when its result is saved: a task whose worker died is presented again after `retry`
# seconds, which must be longer than `timeout` (a task still running is never given to a second
# worker). The project's schedules are in config/tasks.py.
TASK_TIMEOUT = env_int("TASK_TIMEOUT", 600)
TASK_RETRY = env_int("TASK_RETRY", TASK_TIMEOUT + 120)
if TASK_RETRY <= TASK_TIMEOUT:
    raise ImproperlyConfigured(f"TASK_RETRY ({TASK_RETRY}) must be longer than TASK_TIMEOUT ({TASK_TIMEOUT})")
Q_CLUSTER = {
    "name": env_str("TASK_CLUSTER_NAME", "cchc"),
    "workers": env_int("TASK_WORKERS", 2),
    "timeout": TASK_TIMEOUT,
    "retry": TASK_RETRY,
    "orm": "default",
    # A task that raised is tried again (after `retry`) up to this many times in all.
    "max_attempts": env_int("TASK_MAX_ATTEMPTS", 3),
    # Schedules missed while no worker ran are not run in a burst afterwards.
    "catch_up": False,
    # Whether this cluster turns the schedules into tasks. Several workers against one database
    # set it on one of them (the scheduler unit in deploy/); on PostgreSQL two schedulers would
    # still not run a job twice (django-q2 takes the due rows FOR UPDATE and moves next_run in
    # the same transaction), but one is the plain arrangement.
    "scheduler": env_bool("TASK_SCHEDULER", True),
    "save_limit": 500,
    # An empty queue is read once a second.
    "poll": 1,
    # The cluster's own statistics (for `manage.py qinfo`), written twice a second: in Redis when
    # there is one, otherwise in each process's memory rather than in the database cache, where
    # they would take SQLite's write lock all day long.
    "cache": "task_queue",
}
CACHES["task_queue"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL} if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "task-queue"}
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
