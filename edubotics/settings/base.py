"""Settings shared by every environment; everything that differs comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # embedded defaults (SQLite files, beat schedule); never in git

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; the real environment wins

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-only-for-development")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djstripe",
    "schools",
    "training",
    "assignments",
    "billing",
    "analytics",
    "privacy",
    "legacy",
    "edubotics",  # project-wide management commands (seed_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "schools.middleware.SchoolMiddleware",
]

# Content-Security-Policy (django-csp 4): scripts and styles only from our own files, no inline
# scripts, handlers or style attributes. A script that must be inline carries
# nonce="{{ request.csp_nonce }}" (the nonce is only sent when a page uses it). Forms may also lead
# to Stripe Checkout and the Customer Portal (Chromium checks a form's redirects too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
    }
}

ROOT_URLCONF = "edubotics.urls"
WSGI_APPLICATION = "edubotics.wsgi.application"

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
                "schools.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'edubotics.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "schools.User"
# One backend for every sign-in (e-mail, username, the admin): Django's ModelBackend next to
# allauth's would check a known account's password twice, an unknown one's once.
AUTHENTICATION_BACKENDS = ["schools.authentication.LoginBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Passwords carried over from the earlier system (Supabase's plain bcrypt, "$2a$10$…"): they
    # verify once and are re-hashed to Argon2 at that first sign-in.
    "django.contrib.auth.hashers.BCryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: admins and teachers sign in with e-mail (verified), students with a username.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_FORMS = {
    "login": "schools.forms.LoginForm",
    "signup": "schools.forms.SchoolSignupForm",
    "reset_password": "schools.forms.ResetPasswordForm",
}
ACCOUNT_ADAPTER = "schools.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EduBotics] "
# allauth's limits (sign-in, reset, …) count in CACHES; ours: guessing classroom join codes,
# per address and per code, loose enough for a class of 30 signing up behind one school router.
ACCOUNT_RATE_LIMITS = {"join_code": "30/10m/ip,30/10m/key"}
# Behind a load balancer, the client's address is the last-but-N of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Uploaded and generated files (data exports); reached only through views that check access.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="EduBotics <noreply@edubotics.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production and CI, an embedded SQLite broker on a laptop (no Redis needed).
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The cache holds the rate limits (sign-in attempts, join codes, API throttles), so every web
# worker and host must share it: Redis whenever there is one (REDIS_URL, else a Redis broker);
# local memory only for the embedded default, where one process serves everything.
REDIS_URL = env("REDIS_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Stripe through dj-stripe. No key: the embedded default (trials only, Billing says payments
# are not configured). STRIPE_API_HOST points the client at another server (tests only).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith("sk_live_")
STRIPE_TEST_SECRET_KEY = "" if STRIPE_LIVE_MODE else STRIPE_SECRET_KEY
STRIPE_LIVE_SECRET_KEY = STRIPE_SECRET_KEY if STRIPE_LIVE_MODE else ""
if env("STRIPE_API_HOST", default=""):
    STRIPE_API_HOST = env("STRIPE_API_HOST")
# `stripe listen` signs with a secret of its own, sent in X-Djstripe-Webhook-Secret: honoured only
# with this on and DEBUG (billing/webhooks.py).
STRIPE_CLI_WEBHOOKS = env.bool("STRIPE_CLI_WEBHOOKS", default=False)
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_USE_NATIVE_JSONFIELD = True

# Trainings. GPU jobs on Modal when MODAL_TOKEN_ID is set, else a local process (embedded
# default); models and datasets on the Hub when HF_TOKEN is set, else a folder laid out like it.
MODAL_TOKEN_ID = env("MODAL_TOKEN_ID", default="")
MODAL_TOKEN_SECRET = env("MODAL_TOKEN_SECRET", default="")
TRAINING_BACKEND = env("TRAINING_BACKEND", default="modal" if MODAL_TOKEN_ID else "local")
# What the local backend's process trains with: "demo" (the small NumPy model, no LeRobot
# needed) or "lerobot" (LeRobot's own trainer, installed on this machine). Modal always uses LeRobot.
LOCAL_TRAINER = env("LOCAL_TRAINER", default="demo")
# The Python of LeRobot's venv (`make test-lerobot` builds it; `make run` passes it when it
# exists): the local backend serves models with LeRobot's policy server through it.
LEROBOT_PYTHON = env("LEROBOT_PYTHON", default="")
# The names training/modal_app.py deploys under (a test keeps the two in step).
MODAL_APP_NAME = "edubotics-training"
MODAL_SUBMISSIONS_DICT = "edubotics-submissions"
LOCAL_RUNS_DIR = env("LOCAL_RUNS_DIR", default=str(VAR_DIR / "runs"))
HF_TOKEN = env("HF_TOKEN", default="")
HF_ENDPOINT = env("HF_ENDPOINT", default="")
HF_ORG = env("HF_ORG", default="edubotics-ai")
HUB_LOCAL_DIR = env("HUB_LOCAL_DIR", default=str(VAR_DIR / "hub"))
TRAINING_TIME_LIMIT_SECONDS = 3 * 3600
TRAINING_LIMIT_MARGIN_SECONDS = 10 * 60
# A submission whose job has not started by then (no container, no runner process) is submitted
# again under the same key, once; after that it fails with the reason.
TRAINING_RESUBMIT_AFTER_SECONDS = 10 * 60
OFF_PEAK_BATCH = env.int("OFF_PEAK_BATCH", default=50)
# Inference servers: stopped after this long whatever happens (idle time is a school setting),
# and marked as failed to start when no address came within the start limit.
SERVER_LIFETIME_SECONDS = 2 * 3600
SERVER_START_LIMIT_SECONDS = 15 * 60
# How often a server reports that a robot was connected: well under the shortest idle stop.
SERVER_ACTIVITY_REPORT_SECONDS = 30
CELERY_BEAT_SCHEDULE = {
    "poll-trainings": {"task": "training.tasks.poll_trainings", "schedule": 30.0},
    "follow-inference-servers": {"task": "training.tasks.follow_servers", "schedule": 30.0},
    "release-off-peak-trainings": {
        "task": "training.tasks.release_off_peak",
        "schedule": crontab(hour=2, minute=0),  # Europe/Berlin (CELERY_TIMEZONE)
    },
    "close-stale-control-sessions": {
        "task": "training.tasks.close_stale_control_sessions",
        "schedule": crontab(minute=7),
    },
    "privacy-retention": {
        "task": "privacy.tasks.retention_nightly",
        "schedule": crontab(hour=3, minute=30),
    },
}
# An AI control session still open after this many hours ends without a rating.
CONTROL_SESSION_MAX_HOURS = 12
# How long a model file's download link works (the robot app asks for new ones each time).
DOWNLOAD_LINK_SECONDS = env.int("DOWNLOAD_LINK_SECONDS", default=10 * 60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "schools.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per token user, or per address without one; counted in CACHES, so across workers.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The robot app's sign-in (POST /api/v1/auth/token) counts password tries per address (a
    # class shares one school router) and per account.
    "DEFAULT_THROTTLE_RATES": {
        "anon": "30/minute",
        "user": "120/minute",
        "sign_in_address": "60/minute",
        "sign_in_login": "10/minute",
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "edubotics.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=365)
# Swagger UI's files come from drf-spectacular-sidecar (our own static files, no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "EduBotics API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

ENVIRONMENT = env("ENVIRONMENT", default="local")
DEMO_DATA_ALLOWED = True  # `seed_demo` (a school with known passwords); production says no

# Product analytics (PostHog, EU) and errors (Sentry): off unless configured; both anonymised.
POSTHOG_API_KEY = env("POSTHOG_API_KEY", default="")
POSTHOG_HOST = env("POSTHOG_HOST", default="https://eu.i.posthog.com")
ANALYTICS_HASH_KEY = env("ANALYTICS_HASH_KEY", default=SECRET_KEY)
SENTRY_DSN = env("SENTRY_DSN", default="")
