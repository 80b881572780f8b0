"""Django settings for Tandem, read strictly from TANDEM_* environment variables.

Development is the default: SQLite under ``./var``, console email, background tasks run in-process.
``TANDEM_ENV=production`` turns on every secure default and refuses the development secret key.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tandem.config.env import ConfigError, Env

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.text("TANDEM_DATA_DIR", str(Path.cwd() / "var")))

TANDEM_ENV = env.choice("TANDEM_ENV", "development", ("development", "production"))
PRODUCTION = TANDEM_ENV == "production"

DEVELOPMENT_SECRET_KEY = "tandem-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.text("TANDEM_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ConfigError(
        "TANDEM_SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

DEBUG = env.flag("TANDEM_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ConfigError("TANDEM_DEBUG cannot be true when TANDEM_ENV=production.")

ALLOWED_HOSTS = env.items(
    "TANDEM_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("TANDEM_ALLOWED_HOSTS must name the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env.items("TANDEM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "django_htmx",
    "tandem.core",
    "tandem.notifications",
    "tandem.clients",
    "tandem.projects",
    "tandem.contracts",
    "tandem.billing",
    "tandem.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tandem.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.core.middleware.ActorMiddleware",
    "tandem.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tandem.web.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tandem.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.config.urls"
WSGI_APPLICATION = "tandem.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tandem.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(
        "TANDEM_DATABASE_URL", f"sqlite:///{(DATA_DIR / 'tandem.sqlite3').as_posix()}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server and a worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
_TEST_DATABASE_URL = env.raw("TANDEM_TEST_DATABASE_URL")
if _TEST_DATABASE_URL:
    # The test suite runs against this database instead (PostgreSQL in CI's second run).
    DATABASES["default"] = env.database("TANDEM_TEST_DATABASE_URL", _TEST_DATABASE_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): lock a user name from one address after repeated failures.
AXES_FAILURE_LIMIT = env.integer("TANDEM_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = env.integer("TANDEM_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tandem.core.throttle.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["tandem.web.formats"]
TIME_ZONE = env.text("TANDEM_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "tandem_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
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
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_CONFIG = env.email("TANDEM_EMAIL_URL", "console://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(EMAIL_CONFIG.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(EMAIL_CONFIG.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH") or str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env.text("TANDEM_DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: with no broker every task runs in-process, so `make run` needs nothing else.
CELERY_BROKER_URL = env.redis_url("TANDEM_BROKER_URL")
CELERY_RESULT_BACKEND = env.redis_url("TANDEM_RESULT_BACKEND_URL") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Periodic jobs, run by `tandem worker --beat` (apps add their own entries).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-idempotency-records": {
        "task": "core.purge_idempotency_records",
        "schedule": 60 * 60,
    },
    "clients-raise-due-reminders": {"task": "clients.raise_due_reminders", "schedule": 60 * 60},
    "clients-check-issue-slas": {"task": "clients.check_issue_slas", "schedule": 5 * 60},
    "clients-recompute-health": {"task": "clients.recompute_health", "schedule": 6 * 60 * 60},
    "clients-send-quarterly-nps": {"task": "clients.send_quarterly_nps", "schedule": 24 * 60 * 60},
    "billing-create-retainer-drafts": {"task": "billing.create_retainer_drafts",
                                       "schedule": 24 * 60 * 60},
    "billing-send-payment-reminders": {"task": "billing.send_payment_reminders",
                                       "schedule": 24 * 60 * 60},
}

# Security headers. Cookies and HTTPS are strict in production; development runs on plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.flag("TANDEM_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("TANDEM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("TANDEM_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

TANDEM_PORT = env.integer("TANDEM_PORT", 8000, minimum=1, maximum=65535)
TANDEM_HOST = env.text("TANDEM_HOST", "127.0.0.1")
# The site's public address, for links in emails sent by background jobs (no request to ask).
TANDEM_BASE_URL = env.base_url("TANDEM_BASE_URL", f"http://127.0.0.1:{TANDEM_PORT}")
if PRODUCTION and env.raw("TANDEM_BASE_URL") is None:
    raise ConfigError("TANDEM_BASE_URL must be the site's public address in production "
                      "(for example https://tandem.example.com).")
TANDEM_API_TOKEN_DAYS = env.integer("TANDEM_API_TOKEN_DAYS", 90, minimum=1)
TANDEM_IDEMPOTENCY_HOURS = env.integer("TANDEM_IDEMPOTENCY_HOURS", 24, minimum=1)
