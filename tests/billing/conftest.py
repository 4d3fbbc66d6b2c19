import hashlib
import hmac
import json
import time

import pytest
import stripe
from djstripe.models import WebhookEndpoint

from billing.services.catalogue import packages_sync

from .stripe_stand_in import StripeStandIn

TEST_KEY = "sk_test_" + "e" * 24
WEBHOOK_SECRET = "whsec_edubotics_test"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = TEST_KEY
    return TEST_KEY


@pytest.fixture
def stand_in(stripe_keys, monkeypatch):
    """Stripe at the HTTP edge, played by the stand-in (see stripe_stand_in.py)."""
    with StripeStandIn() as server:
        monkeypatch.setattr(stripe, "api_base", server.url)
        yield server


@pytest.fixture
def packages(stand_in, db):
    packages_sync()
    return stand_in


@pytest.fixture
def webhook_endpoint(db):
    return WebhookEndpoint.objects.create(
        id="we_edubotics_test",
        livemode=False,
        secret=WEBHOOK_SECRET,
        url="https://edubotics.example/stripe/webhook/",
        api_version="2026-05-27.dahlia",
        enabled_events=["*"],
        status="enabled",
    )


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header made with Stripe's signing scheme (HMAC-SHA256 over t.payload)."""
    timestamp = timestamp or int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


_event_ids = iter(range(1, 10**6))


def event(kind: str, obj: dict) -> dict:
    return {
        "id": f"evt_test{next(_event_ids):06d}",
        "object": "event",
        "type": kind,
        "livemode": False,
        "created": int(time.time()),
        "api_version": "2026-05-27.dahlia",
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def deliver(client, endpoint, payload: dict, signature: str | None = None):
    body = json.dumps(payload)
    headers = {"Stripe-Signature": signature if signature is not None else sign(body)}
    return client.post(
        f"/stripe/webhook/{endpoint.djstripe_uuid}/",
        body,
        content_type="application/json",
        headers=headers,
    )
