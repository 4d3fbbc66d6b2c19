"""Stripe webhooks at dj-stripe's real endpoint, signed with Stripe's scheme.

Stripe's API behind them is the stand-in (see stripe_stand_in.py): each delivery makes the
school re-read its subscription, so repeats and out-of-order events end in Stripe's state.
"""

import json
import logging
import time

import pytest
from djstripe.models import WebhookEventTrigger

from billing.packages import PACKAGES
from billing.services.purchases import customer_for_school
from schools.models import AuditEvent, Restriction

from .conftest import deliver, event, sign

STARTER, STANDARD, PREMIUM, ENTERPRISE = PACKAGES


def state(school):
    school.refresh_from_db()
    return school.package, school.subscription_status, school.restriction()


def test_a_valid_delivery_gives_the_school_its_package(packages, client, school, webhook_endpoint):
    subscription = packages.subscribe(customer_for_school(school=school).id, PREMIUM)
    response = deliver(
        client, webhook_endpoint, event("customer.subscription.created", subscription)
    )
    assert response.status_code == 200
    assert state(school) == ("premium", "active", "")
    assert WebhookEventTrigger.objects.get().processed


def test_a_bad_or_missing_signature_is_400_and_changes_nothing(
    packages, client, school, webhook_endpoint
):
    subscription = packages.subscribe(customer_for_school(school=school).id, PREMIUM)
    payload = event("customer.subscription.created", subscription)
    assert (
        deliver(client, webhook_endpoint, payload, signature=sign("{}", "whsec_wrong")).status_code
        == 400
    )
    assert deliver(client, webhook_endpoint, payload, signature="").status_code == 400
    assert state(school) == ("starter", "trial", "")


def test_a_replayed_delivery_changes_nothing_more(packages, client, school, webhook_endpoint):
    subscription = packages.subscribe(customer_for_school(school=school).id, STANDARD)
    payload = event("customer.subscription.created", subscription)
    for _ in range(2):
        assert deliver(client, webhook_endpoint, payload).status_code == 200
    assert state(school) == ("standard", "active", "")
    assert AuditEvent.objects.filter(school=school, action="package_chosen").count() == 1


def test_updated_arriving_before_created_ends_in_stripes_state(
    packages, client, school, webhook_endpoint
):
    subscription = packages.subscribe(customer_for_school(school=school).id, STANDARD)
    created = event("customer.subscription.created", dict(subscription))
    packages.objects["subscriptions"][subscription["id"]]["items"]["data"][0]["price"] = (
        packages.objects["prices"][packages.price_id(PREMIUM)]
    )
    updated = event(
        "customer.subscription.updated", packages.objects["subscriptions"][subscription["id"]]
    )
    deliver(client, webhook_endpoint, updated)
    deliver(client, webhook_endpoint, created)  # late, with the old package in its payload
    assert state(school) == ("premium", "active", "")


def test_deleted_arriving_before_a_late_updated_stays_cancelled(
    packages, client, school, webhook_endpoint
):
    subscription = packages.subscribe(customer_for_school(school=school).id, STANDARD)
    deliver(client, webhook_endpoint, event("customer.subscription.created", subscription))
    late_update = event("customer.subscription.updated", dict(subscription, status="active"))
    packages.set_status(subscription["id"], "canceled")
    deliver(
        client,
        webhook_endpoint,
        event(
            "customer.subscription.deleted", packages.objects["subscriptions"][subscription["id"]]
        ),
    )
    deliver(client, webhook_endpoint, late_update)  # says "active", but Stripe says cancelled
    assert state(school) == ("standard", "canceled", Restriction.CANCELED)


def test_a_failed_payment_gives_a_grace_period_and_a_banner(
    packages, client, as_admin, school, webhook_endpoint
):
    subscription = packages.subscribe(customer_for_school(school=school).id, STANDARD)
    packages.set_status(subscription["id"], "past_due")
    invoice = packages.add_invoice(subscription["customer"], 17900, "EDU-0001")
    deliver(client, webhook_endpoint, event("invoice.payment_failed", invoice))
    assert state(school) == ("standard", "past_due", "")  # still allowed: 7 days of grace
    assert school.entitled_until is not None
    assert AuditEvent.objects.filter(school=school, action="payment_failed").count() == 1
    page = as_admin.get(f"/s/{school.slug}/").content.decode()
    assert "The last payment failed" in page
    billing_page = as_admin.get(f"/s/{school.slug}/billing/").content.decode()
    assert (
        "EDU-0001" in billing_page and "https://pay.stripe.com/invoice/EDU-0001/pdf" in billing_page
    )
    school.language = "de"
    school.save()
    german = as_admin.get(f"/s/{school.slug}/billing/").content.decode()
    assert "<td>bezahlt</td>" in german  # Stripe's "paid", named


def test_an_unknown_customer_is_logged_and_ignored(
    packages, client, school, webhook_endpoint, caplog
):
    stranger = packages.store("customers", packages._create("customers", {"name": "Not a school"}))
    subscription = packages.subscribe(stranger["id"], ENTERPRISE)
    with caplog.at_level(logging.WARNING, logger="billing.receivers"):
        response = deliver(
            client, webhook_endpoint, event("customer.subscription.created", subscription)
        )
    assert response.status_code == 200
    assert "unknown customer" in caplog.text
    assert state(school) == ("starter", "trial", "")


def test_a_rejected_delivery_is_not_stored(packages, client, school, webhook_endpoint):
    """Anyone who knows the URL could otherwise fill the table, one row per post."""
    subscription = packages.subscribe(customer_for_school(school=school).id, PREMIUM)
    body = event("customer.subscription.created", subscription)
    stale = sign(json.dumps(body), timestamp=int(time.time()) - 3600)
    for signature in (sign("{}", "whsec_wrong"), stale, "t=1,v1=nonsense"):
        assert deliver(client, webhook_endpoint, body, signature=signature).status_code == 400
    assert not WebhookEventTrigger.objects.exists()
    assert state(school) == ("starter", "trial", "")


@pytest.mark.parametrize(
    "cli_switch, status, after",
    [(False, 400, ("starter", "trial", "")), (True, 200, ("premium", "active", ""))],
    ids=["a poster cannot choose the signing secret", "stripe listen's secret when switched on"],
)
def test_the_secret_header_counts_only_with_the_stripe_cli_switch(
    packages, client, school, webhook_endpoint, settings, cli_switch, status, after
):
    """With DEBUG on, dj-stripe takes a signing secret from this header (what `stripe listen`
    needs); only STRIPE_CLI_WEBHOOKS lets it."""
    settings.DEBUG, settings.STRIPE_CLI_WEBHOOKS = True, cli_switch
    subscription = packages.subscribe(customer_for_school(school=school).id, PREMIUM)
    body = json.dumps(event("customer.subscription.created", subscription))
    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
        body,
        content_type="application/json",
        headers={
            "Stripe-Signature": sign(body, "whsec_chosen_by_poster"),
            "X-Djstripe-Webhook-Secret": "whsec_chosen_by_poster",
        },
    )
    assert response.status_code == status
    assert state(school) == after
    assert WebhookEventTrigger.objects.exists() == cli_switch
