"""Django settings, from the environment only (see ``clearinghouse.config``).

``CLEARINGHOUSE_ENV`` is ``development`` (the default: secrets are generated in the data
directory, an embedded SQLite database) or ``production`` (every secret must be given,
HTTPS everywhere, and ``manage.py check --deploy`` passes).
"""

from __future__ import annotations

import dj_database_url

from clearinghouse import config

ENVIRONMENT = config.env_choice("CLEARINGHOUSE_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = config.data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = config.secret(
    "CLEARINGHOUSE_SECRET_KEY", data_dir=DATA_DIR, generate=not PRODUCTION, nbytes=48
)
# The key that encrypts personal fields at rest (names, dates of birth, contact details).
FIELD_ENCRYPTION_KEY = config.secret(
    "CLEARINGHOUSE_FIELD_KEY", data_dir=DATA_DIR, generate=not PRODUCTION
)

# Files are kept encrypted in the vault: one random key per file, wrapped by this key.
VAULT_KEY = config.secret("CLEARINGHOUSE_VAULT_KEY", data_dir=DATA_DIR, generate=not PRODUCTION)
VAULT_DIR = config.env_path("CLEARINGHOUSE_VAULT_DIR", DATA_DIR / "vault")

# A MaxMind-format city database for IP geolocation (optional).
GEOIP_DB = config.env_path("CLEARINGHOUSE_GEOIP_DB", None, must_exist=True)

DEBUG = config.env_bool("CLEARINGHOUSE_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise config.ConfigurationError("CLEARINGHOUSE_DEBUG cannot be on in production")

ALLOWED_HOSTS = config.env_list(
    "CLEARINGHOUSE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigurationError("CLEARINGHOUSE_ALLOWED_HOSTS must be set in production")

try:
    DATABASES = {
        "default": dj_database_url.parse(
            config.env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'clearinghouse.sqlite3'}",
            conn_max_age=60,
        )
    }
except ValueError as error:
    raise config.ConfigurationError(f"DATABASE_URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an import writes (FULL: a commit survives power loss,
        # not only a crash of the process); IMMEDIATE makes writers queue for
        # the lock up front instead of failing half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "clearinghouse.core",
    "clearinghouse.accounts",
    "clearinghouse.geo",
    "clearinghouse.audit",
    "clearinghouse.media",
    "clearinghouse.banks",
    "clearinghouse.tipline",
    "clearinghouse.victimid",
    "clearinghouse.missing",
    "clearinghouse.posterapi",
    "clearinghouse.support",
    "clearinghouse.education",
    "clearinghouse.impact",
    "clearinghouse.imports",
    "clearinghouse.demo",
]

# Background tasks (django-tasks). "database" keeps them in the database for the
# ``db_worker`` command; "immediate" runs each where it is enqueued (tests, development).
# Since django-tasks 0.12 the database backend is its own package, django-tasks-db.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            config.env_choice("CLEARINGHOUSE_TASKS_BACKEND", tuple(_TASK_BACKENDS), "database")
        ]
    }
}

# ``clearinghouse serve`` runs this many background task workers (db_worker) beside the
# web server (0: they run on their own), and the scheduler of periodic jobs unless off.
TASK_WORKERS = config.env_int("CLEARINGHOUSE_TASK_WORKERS", 1)
SCHEDULER = config.env_bool("CLEARINGHOUSE_SCHEDULER", default=True)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP, no-store and the request size limit; before CSRF, which reads the body.
    "clearinghouse.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 30 minutes idle or 12 hours signed in end a session (``accounts.signin``).
    "clearinghouse.accounts.signin.SessionLimits",
    "clearinghouse.accounts.signin.RecentConfirmation",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clearinghouse.urls"
WSGI_APPLICATION = "clearinghouse.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Django's, but a locked account (five failed sign-ins in 15 minutes) cannot sign in.
AUTHENTICATION_BACKENDS = ["clearinghouse.accounts.signin.Backend"]
LOGIN_URL = "login"
# After signing in, ``tipline:home`` sends each role to its own screen.
LOGIN_REDIRECT_URL = "tipline:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "clearinghouse.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "clearinghouse.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Static files are served from the installed packages without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION

# The cache holds what several web workers must share, such as the public form's
# rate limit: files in the data directory by default, Redis when a URL is given.
_CACHE_URL = config.env_str("CLEARINGHOUSE_CACHE_URL")
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise config.ConfigurationError("CLEARINGHOUSE_CACHE_URL must be a redis:// or rediss:// URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

# Where national figures come from: "records" (a national deployment holding every
# report), "published" (a state-only deployment: published_statistic records), or "auto"
# (a published statistic when one exists for the metric and year, else the records).
NATIONAL_FIGURES = config.env_choice(
    "CLEARINGHOUSE_NATIONAL_FIGURES", ("auto", "records", "published"), "auto"
)

# Public release mode: on the impact pages and downloads that anonymous visitors get,
# counts from 1 to IMPACT_SUPPRESS_BELOW - 1 are shown as "fewer than N" (never for
# signed-in staff). Off by default; ``clearinghouse factsheet --public`` turns it on too.
IMPACT_PUBLIC_SUPPRESSION = config.env_bool("CLEARINGHOUSE_PUBLIC_SUPPRESSION", default=False)
IMPACT_SUPPRESS_BELOW = config.env_int("CLEARINGHOUSE_SUPPRESS_BELOW", 5)
if IMPACT_SUPPRESS_BELOW < 2:
    raise config.ConfigurationError("CLEARINGHOUSE_SUPPRESS_BELOW must be 2 or more")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# No inline script or style anywhere (templates keep theirs in static files), nothing
# from another site, no plugins, no framing (``core.middleware``).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# A request body may declare at most this many bytes (the public form takes three files
# of 10 MB, the Poster API photos in its JSON); a collection submitted for victim
# identification takes as much as the vault keeps in one file. The reporting API
# (``/ispws/``) enforces its own limits, with the national API's response codes.
MAX_REQUEST_BYTES = config.env_int("CLEARINGHOUSE_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
LARGE_REQUEST_ROUTES = {"victimid:submit": 2 * 1024**3}

if PRODUCTION:
    SECURE_SSL_REDIRECT = config.env_bool("CLEARINGHOUSE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = config.env_list("CLEARINGHOUSE_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "timed": {"class": "logging.StreamHandler", "formatter": "timed"},
    },
    "root": {
        "handlers": ["console"],
        "level": config.env_str("CLEARINGHOUSE_LOG_LEVEL", "WARNING"),
    },
    "loggers": {
        # ``clearinghouse serve`` says what it starts and stops, as servers do.
        "clearinghouse.serve": {"handlers": ["timed"], "level": "INFO", "propagate": False},
    },
}
