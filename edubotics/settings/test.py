"""The test suite: PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL say so, else embedded."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; Argon2 is prod's
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Per process and emptied before each test (tests/conftest.py), so that one test's sign-ins do not
# count against the next; the test of limits across processes points both at Redis itself.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
ALLOWED_HOSTS = ["*"]
# Serve static files straight from static/ (the browser tests need them; no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, so that --reuse-db keeps dj-stripe's slow migrations between runs.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Tasks run inline in tests; the pipeline test turns this off and runs a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
