"""The benchmark server's settings: the project as deployed (DEBUG off) plus a trivial view."""

import warnings

from edubotics.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The bench does not collect static files; WhiteNoise would warn about it in every worker.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
