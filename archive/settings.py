"""
Settings for the statements archive.

One file, driven by environment variables with safe development defaults:

    DJANGO_DEBUG            "1" for debug pages (default "0")
    DJANGO_SECRET_KEY       required when DJANGO_DEBUG is off in production
    DJANGO_ALLOWED_HOSTS    comma-separated (default "localhost,127.0.0.1,[::1]")
    DATABASE_URL            e.g. postgres://user@127.0.0.1:5432/archive (default: SQLite file)
    ARCHIVE_DATA_DIR        where the SQLite file and the Whoosh index live (default ./var)
    WHOOSH_INDEX_PATH       the Whoosh index folder (default $ARCHIVE_DATA_DIR/whoosh_index)
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
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production")
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "haystack",
    "statements",
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
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"statements": {"level": os.environ.get("ARCHIVE_LOG_LEVEL", "INFO")}},
}

# --- Third party -------------------------------------------------------------


def haystack_connection():
    url = os.environ.get("HAYSTACK_URL", "")
    if not url:
        return {
            "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
            "PATH": os.environ.get("WHOOSH_INDEX_PATH", str(DATA_DIR / "whoosh_index")),
        }
    parts = urlsplit(url)
    if parts.scheme == "elasticsearch7":
        index_name = parts.path.strip("/") or "archive"
        return {
            "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
            "URL": f"http://{parts.netloc}/",
            "INDEX_NAME": index_name,
        }
    if parts.scheme == "solr":
        return {"ENGINE": "haystack.backends.solr_backend.SolrEngine", "URL": f"http://{parts.netloc}{parts.path}"}
    raise ValueError(f"HAYSTACK_URL: unknown scheme {parts.scheme!r} (use elasticsearch7:// or solr://)")


HAYSTACK_CONNECTIONS = {"default": haystack_connection()}
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20

# --- Project -----------------------------------------------------------------

ARCHIVE_SEEDS_DIR = BASE_DIR / "seeds"
HAYSTACK_SIGNAL_PROCESSOR = "statements.indexing.StatementSignalProcessor"
