"""Sentry without personal data: no default PII (``data_collection``), and a scrubber that removes names, e-mails,
usernames, IP addresses, cookies, token headers and request bodies from events and breadcrumbs."""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
PII_KEYS = {
    "email",
    "username",
    "first_name",
    "last_name",
    "name",
    "full_name",
    "password",
    "ip",
    "ip_address",
    "remote_addr",
    "cookies",
    "cookie",
    "authorization",
    "x-edubotics-signature",
    "stripe-signature",
    "x-csrftoken",
    "x-forwarded-for",
    "x-real-ip",
    "login",
    "token",
    "key",
    "sessionid",
    "csrftoken",
}
FILTERED = "[filtered]"


def _clean(value):
    if isinstance(value, dict):
        return {
            k: (FILTERED if str(k).lower() in PII_KEYS else _clean(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return IP.sub(FILTERED, EMAIL.sub(FILTERED, value))
    return value


def scrub(event, hint=None):
    event.pop("user", None)
    event.pop("server_name", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "env", "query_string"):
            request.pop(key, None)
        request["headers"] = {
            k: v for k, v in (request.get("headers") or {}).items() if k.lower() not in PII_KEYS
        }
    for key in (
        "extra",
        "contexts",
        "tags",
        "breadcrumbs",
        "exception",
        "logentry",
        "message",
        "threads",
        "request",
    ):
        if key in event:
            event[key] = _clean(event[key])
    return event


def scrub_breadcrumb(crumb, hint=None):
    return _clean(crumb)


def sentry_init(*, dsn: str, environment: str, release: str, transport=None):
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii=False in this SDK's words (it deprecates that option); frames' local
        # variables are off too: they hold users, requests and form data.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        max_request_body_size="never",
        environment=environment,
        release=release,
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )
