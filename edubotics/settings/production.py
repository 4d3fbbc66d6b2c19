"""Production: everything from the environment, HTTPS only, and no embedded stand-ins."""

from ipaddress import ip_address
from urllib.parse import urlsplit

from django.core.checks.security.base import _check_secret_key
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CELERY_BROKER_URL,
    DATABASES,
    EMAIL_BACKEND,
    HF_ENDPOINT,
    HF_TOKEN,
    MODAL_TOKEN_ID,
    MODAL_TOKEN_SECRET,
    STRIPE_SECRET_KEY,
    TRAINING_BACKEND,
    env,
)

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ENVIRONMENT = env("ENVIRONMENT", default="production")

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("Production needs CELERY_BROKER_URL pointing at Redis.")
if not STRIPE_SECRET_KEY.startswith(("sk_live_", "sk_test_", "rk_live_", "rk_test_")):
    raise ImproperlyConfigured("Production needs STRIPE_SECRET_KEY (schools pay through Stripe).")
if TRAINING_BACKEND != "modal" or not (MODAL_TOKEN_ID and MODAL_TOKEN_SECRET):
    raise ImproperlyConfigured(
        "Production trains on Modal: set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET."
    )
if not HF_TOKEN:
    raise ImproperlyConfigured(
        "Production keeps datasets and models on the Hugging Face Hub: set HF_TOKEN."
    )


# Outside services must be the real ones: no Hub or Stripe stand-in on this machine (tests
# point HF_ENDPOINT and STRIPE_API_HOST at loopback servers).
def _is_loopback(url: str) -> bool:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")


for _name, _url in (
    ("HF_ENDPOINT", HF_ENDPOINT),
    ("STRIPE_API_HOST", env("STRIPE_API_HOST", default="")),
):
    if _url and _is_loopback(_url):
        raise ImproperlyConfigured(
            f"Production talks to the real services: {_name} points at this machine ({_url})."
        )
DEMO_DATA_ALLOWED = False
# Secrets and mail: the same test `check --deploy` applies to the key (long, varied, not
# Django's generated insecure one); sign-up and reset links must reach people, not the log.
if not _check_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "Production needs a strong SECRET_KEY: at least 50 characters, 5 of them different, "
        "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
if EMAIL_BACKEND in (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
):
    raise ImproperlyConfigured(
        "Production sends e-mail: set EMAIL_URL (e.g. smtp+tls://user:password@host:587)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
