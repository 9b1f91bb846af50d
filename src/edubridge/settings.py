"""EduBridge settings: every value comes from an ``EDUBRIDGE_*`` environment variable.

Defaults are safe for a single node on one machine: DEBUG off, SQLite under ``var/``,
a secret key generated once per installation, only local hosts allowed.
"""

import os
import secrets
from pathlib import Path

import dj_database_url


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"EDUBRIDGE_{name}", default)


def _env_bool(name: str, default: bool = False) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
# Where this installation keeps its state: the SQLite database, the secret key, static files.
VAR_DIR = Path(_env("VAR_DIR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in ``var/secret_key``."""
    if key := _env("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Off unless asked for; `edubridge demo` turns it on for its own process.
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "edubridge.core",
    "edubridge.governance",
    "edubridge.standards",
    "edubridge.catalog",
    "edubridge.learning",
    "edubridge.records",
    "edubridge.training",
    "edubridge.localization",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "edubridge.core.middleware.ContentSecurityPolicyMiddleware",
    "edubridge.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "edubridge.records.middleware.XapiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "edubridge.urls"
WSGI_APPLICATION = "edubridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "edubridge.records.context_processors.navigation",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SQLite by default; PostgreSQL in production, e.g. postgres://user:pass@host:5432/edubridge.
DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'edubridge.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on during a write; IMMEDIATE avoids failed lock upgrades mid-transaction.
    # A checkpoint every 10,000 pages (not 1,000) writes a page the LRS's indexes touch again
    # and again once rather than each time; the WAL file is cut back to 64 MiB after it. A
    # 32 MiB page cache (not 2) keeps those indexes' upper levels in memory.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864; "
            "PRAGMA cache_size=-32768;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # The LRS's write (records.writing) is a prepared statement: parsing and planning it took
    # half of PostgreSQL's time for a single POST. Django's own queries are never prepared.
    # Behind a connection pooler in transaction mode that does not keep prepared statements
    # (PgBouncer before 1.21), set EDUBRIDGE_DATABASE_PREPARED=false.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if _env_bool("DATABASE_PREPARED", True) else None
    )

# Files under var/ by default, shared by the workers of one machine (sign-in limits must be);
# a redis:// URL shares them across machines.
_cache_url = _env("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Failed logins allowed per username and per client address within the window.
LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW = int(_env("LOGIN_FAILURE_WINDOW", "900"))
# How many reverse proxies in front of the node append to X-Forwarded-For (0: none, trust no
# header). Rate limits count the address the outermost trusted proxy saw.
PROXY_HOPS = int(_env("PROXY_HOPS", "0"))

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("fr", "Français"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(_env("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(VAR_DIR / "media")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Behind TLS (EDUBRIDGE_HTTPS=1): secure cookies, HSTS and redirects to https.
HTTPS = _env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"


# Largest CASE package accepted, in MB: read whole into memory, so bounded.
CASE_MAX_BYTES = int(_env("CASE_MAX_MB", "50")) * 1_000_000
# Largest file of a resource, in MB.
UPLOAD_MAX_BYTES = int(_env("UPLOAD_MAX_MB", "200")) * 1_000_000
# OAI-PMH: this node's repository identifier (a domain name) and its administrator's address.
OAI_REPOSITORY_ID = _env("OAI_REPOSITORY_ID", "edubridge.local")
OAI_ADMIN_EMAIL = _env("OAI_ADMIN_EMAIL", "operator@edubridge.local")
# Content packages (Common Cartridge, QTI): the largest upload, and the most once unpacked.
PACKAGE_MAX_BYTES = int(_env("PACKAGE_MAX_MB", "500")) * 1_000_000
# Records per OAI-PMH list response; the rest follows through resumption tokens.
OAI_PAGE_SIZE = max(1, int(_env("OAI_PAGE_SIZE", "100")))
# The harvester: seconds to wait for a response, and the largest response it reads.
HARVEST_TIMEOUT = float(_env("HARVEST_TIMEOUT", "60"))
HARVEST_MAX_BYTES = int(_env("HARVEST_MAX_MB", "50")) * 1_000_000
# This node's public address: learning records (xAPI) name its learners and items under it.
BASE_URL = _env("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Passphrase of the organisations' credential-signing keys; changing it makes them unreadable.
SIGNING_KEY_SECRET = _env("SIGNING_KEY_SECRET", SECRET_KEY)
# Largest evidence file a participant may upload, in MB.
EVIDENCE_MAX_BYTES = int(_env("EVIDENCE_MAX_MB", "20")) * 1_000_000
# Hours between refits of an item bank's model on its learners' answers (0: never).
REFIT_HOURS = float(_env("REFIT_HOURS", "24"))
# Background work (refits): queued in the database, run by `edubridge db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Seconds a CASE import from a URL may take.
CASE_URL_TIMEOUT = int(_env("CASE_URL_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING")},
}

# Machine translation offered in the localisation editor: none unless a LibreTranslate-
# compatible server is given (the node then sends it the texts it is asked to translate).
EDUBRIDGE_MT_BACKENDS: list[object] = (
    [
        (
            "edubridge.localization.mt.LibreTranslate",
            {"url": _env("LIBRETRANSLATE_URL"), "api_key": _env("LIBRETRANSLATE_KEY")},
        )
    ]
    if _env("LIBRETRANSLATE_URL")
    else []
)
# Bias audits: a model is held back from serving when, for a group attribute, the worst
# group's AUC or predicted mastery rate is below this share of the best group's.
BIAS_THRESHOLD = float(_env("BIAS_THRESHOLD", "0.8"))
# Retention: learning records and practice answers older than this become monthly counts.
RETENTION_YEARS = int(_env("RETENTION_YEARS", "5"))
