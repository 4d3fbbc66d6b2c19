"""The benchmark server's settings: the project as deployed (DEBUG off) plus a trivial view."""

import warnings

from edubotics.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The bench does not collect static files; WhiteNoise would warn about it in every worker.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

# The robot app's per-user API limit would answer most of wrk's requests with 429 and time
# those: the bench measures the pages, so one token may ask as often as it likes (the throttle's
# cache round trip is still paid).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "user": "1000000/minute",
    },
}
