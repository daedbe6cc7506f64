"""Django settings for Practica, read from the environment.

``PRACTICA_ENV`` chooses the profile: ``development`` (default, used by
``make demo``), ``test`` or ``production``. Production refuses to start
without a ``SECRET_KEY`` and turns on every transport-security setting so that
``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from practica.env import ConfigurationError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
PRACTICA_ENV = envstr("PRACTICA_ENV", "development") or "development"
if PRACTICA_ENV not in {"development", "test", "production"}:
    raise ConfigurationError(
        f"PRACTICA_ENV must be development, test or production, got {PRACTICA_ENV!r}"
    )
PRODUCTION = PRACTICA_ENV == "production"

PRACTICA_HOME = Path(envstr("PRACTICA_HOME", str(BASE_DIR / "var")) or "var").resolve()
PRACTICA_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ConfigurationError("SECRET_KEY is required when PRACTICA_ENV=production")
    # Development and the demo keep a generated key beside the database so
    # that sessions survive a restart.
    key_file = PRACTICA_HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", default=False)
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from our own static files (CSP: 'self')
    "practica.core",
    "practica.accounts",
    "practica.communities",
    "practica.exchange",
    "practica.ledger",
    "practica.search",
    "practica.importers",
    "practica.compass",
    "practica.weaving",
    "practica.learning",
    "practica.trust",
    "practica.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "practica.core.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "practica.urls"
WSGI_APPLICATION = "practica.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "practica" / "templates"],
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

_default_sqlite = f"sqlite:///{PRACTICA_HOME / 'practica.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite) or _default_sqlite,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; a generous timeout keeps
    # concurrent gunicorn workers from failing on a busy database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds on short web queries (seen on search); plans stay fast without.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Parallel test runs (several developers, CI) each name their own test database.
if envstr("PRACTICA_TEST_DB"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = envstr("PRACTICA_TEST_DB")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "practica.trust.backends.SuspendedBackend",  # first: refuses people suspended site-wide
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if PRACTICA_ENV == "test":
    # Tests create many people; argon2 stays first in every other profile.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PRACTICA_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder on every start
STATICFILES_DIRS = [BASE_DIR / "practica" / "static"]
# The demo and tests serve straight from the source folders, so nobody has to
# remember collectstatic; production collects and compresses.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = PRACTICA_HOME / "media"
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "practica@localhost") or "practica@localhost"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
_redis_url = envstr("REDIS_URL")
if _redis_url:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_url,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

PRACTICA_PAGE_SIZE = envint("PRACTICA_PAGE_SIZE", 20)
