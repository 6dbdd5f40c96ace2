"""
Settings for the statements archive.

One file, driven by environment variables with safe development defaults:

    DJANGO_DEBUG            "1" for debug pages (default "0")
    DJANGO_SECRET_KEY       required to serve unless DJANGO_DEBUG=1 (make run keeps one in var/secret_key)
    DJANGO_ALLOWED_HOSTS    comma-separated (default "localhost,127.0.0.1,[::1]")
    DATABASE_URL            e.g. postgres://user@127.0.0.1:5432/archive (default: SQLite file)
    ARCHIVE_DATA_DIR        where the SQLite file and the Whoosh index live (default ./var)
    WHOOSH_INDEX_PATH       the Whoosh index folder (default $ARCHIVE_DATA_DIR/whoosh_index)
    ARCHIVE_DATASET_DIR     where export_dataset writes packages and /data/ serves them
                            (default $ARCHIVE_DATA_DIR/dataset)
    DJANGO_HTTPS            "1" when served over HTTPS: secure cookies, HSTS, redirect to https
    DJANGO_TRUSTED_PROXY_COUNT  proxies in front that append to X-Forwarded-For (default 0)
    ARCHIVE_RATELIMIT       "0" turns request throttling off (default on)
    HAYSTACK_URL            another haystack engine, e.g. elasticsearch7://127.0.0.1:9200/archive
                            or solr://127.0.0.1:8983/solr/archive (default: Whoosh)
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Django core -------------------------------------------------------------

DEBUG = env_flag("DJANGO_DEBUG")
# Management commands may run with the development key; serving with it and DEBUG off is
# refused in archive/wsgi.py: a public key lets anyone forge sessions and reset links.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-set-DJANGO_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'archive.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; the timeout makes writers wait
    # for each other instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Security: safe defaults always; the HTTPS-only ones when DJANGO_HTTPS=1.
HTTPS = env_flag("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before haystack: its rebuild_index, update_index and clear_index are replaced by refusals.
    "statements",
    "haystack",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.middleware.SecurityHeadersMiddleware",
    "statements.api.ApiMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.middleware.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive.middleware.SearchUnavailableMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Where an editor lands after signing in when the page they came from cannot be returned to.
LOGIN_REDIRECT_URL = "admin:index"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", DATA_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "archive.logs.WithoutTraceback"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "statements": {"level": os.environ.get("ARCHIVE_LOG_LEVEL", "INFO")},
        # A request for an unknown host is the client's mistake (or a scanner's): one line says it.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}

# --- Third party -------------------------------------------------------------


# An unreachable engine must raise (the search page answers 503), not answer "nothing matches".
SEARCH_SERVER_OPTIONS = {"SILENTLY_FAIL": False, "INCLUDE_SPELLING": True, "TIMEOUT": 10}


def haystack_connection():
    url = os.environ.get("HAYSTACK_URL", "")
    if not url:
        return {
            "ENGINE": "statements.search.whoosh_backend.ArchiveWhooshEngine",
            "PATH": os.environ.get("WHOOSH_INDEX_PATH", str(DATA_DIR / "whoosh_index")),
        }
    parts = urlsplit(url)
    if parts.scheme == "elasticsearch7":
        index_name = parts.path.strip("/") or "archive"
        return {
            "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
            "URL": f"http://{parts.netloc}/",
            "INDEX_NAME": index_name,
            **SEARCH_SERVER_OPTIONS,
        }
    if parts.scheme == "solr":
        return {
            "ENGINE": "haystack.backends.solr_backend.SolrEngine",
            "URL": f"http://{parts.netloc}{parts.path}",
            **SEARCH_SERVER_OPTIONS,
        }
    raise ValueError(f"HAYSTACK_URL: unknown scheme {parts.scheme!r} (use elasticsearch7:// or solr://)")


HAYSTACK_CONNECTIONS = {"default": haystack_connection()}

# --- Project -----------------------------------------------------------------

# Throttling, counted in var/ratelimit.sqlite3 so that all gunicorn workers share the counts.
RATELIMIT_ENABLED = env_flag("ARCHIVE_RATELIMIT", default=True)
RATELIMIT_SEARCH_PATHS = ("/search/", "/api/")
RATELIMIT_SEARCH = (int(os.environ.get("ARCHIVE_RATELIMIT_SEARCH_PER_MINUTE", "120")), 60)
RATELIMIT_LOGIN_PATH = "/admin/login/"
# Failed admin logins in 15 minutes: per user name and address together, per user name from any
# address, per address for any user name. Names are counted as Django signs them in (NFKC).
RATELIMIT_LOGIN_WINDOW = 15 * 60
RATELIMIT_LOGIN = 10
RATELIMIT_LOGIN_PER_NAME = 50
RATELIMIT_LOGIN_PER_ADDRESS = 30

# Search exports: built files kept in DATA_DIR/exports, and downloads at once per client address.
EXPORTS_KEPT = int(os.environ.get("ARCHIVE_EXPORTS_KEPT", "50"))
EXPORTS_PER_ADDRESS = int(os.environ.get("ARCHIVE_EXPORTS_PER_ADDRESS", "2"))

# The archive as a dataset: `manage.py export_dataset` writes here, /data/ lists and serves it.
ARCHIVE_DATASET_DIR = Path(os.environ.get("ARCHIVE_DATASET_DIR", DATA_DIR / "dataset"))
HAYSTACK_SIGNAL_PROCESSOR = "statements.indexing.StatementSignalProcessor"
