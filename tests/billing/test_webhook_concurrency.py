"""Parallel signed deliveries, as Stripe sends them: for one school at once and for many, and
while an admin changes the school's package.

Each delivery makes dj-stripe record the event and the school re-read its subscriptions and
invoices from Stripe (the stand-in at the HTTP edge) in one transaction, so parallel deliveries
for one school compete for the same rows. They must wait for each other, never deadlock.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from billing.packages import PACKAGES
from billing.services.accounts import billing_sync
from billing.services.purchases import customer_for_school, package_change
from tests.conftest import postgres_only
from tests.factories import SchoolFactory

from .conftest import event, sign

STARTER, STANDARD, PREMIUM, ENTERPRISE = PACKAGES
pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def post(url: str, payload: dict) -> int:
    body = json.dumps(payload)
    return requests.post(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
        timeout=60,
    ).status_code


def webhook_url(live_server, endpoint) -> str:
    return f"{live_server.url}/stripe/webhook/{endpoint.djstripe_uuid}/"


def a_paying_school(packages, n: int):
    """A school that moved from Standard to Premium: two subscriptions and two invoices."""
    school = SchoolFactory(name=f"Schule {n}", slug=f"schule-{n}")
    customer_id = customer_for_school(school=school).id
    old = packages.subscribe(customer_id, STANDARD, status="canceled", created=1_700_000_000)
    new = packages.subscribe(customer_id, PREMIUM)
    invoices = [
        packages.add_invoice(customer_id, 17900, f"EDU-{n}-1"),
        packages.add_invoice(customer_id, 29900, f"EDU-{n}-2"),
    ]
    return school, [
        event("customer.subscription.deleted", old),
        event("customer.subscription.created", new),
        event("customer.subscription.updated", new),
        *(event("invoice.payment_succeeded", invoice) for invoice in invoices),
    ]


def test_parallel_deliveries_for_one_and_for_many_schools_all_succeed(
    packages, live_server, webhook_endpoint
):
    # 150 deliveries from 8 senders: on the old code about one in ten deadlocked (500).
    schools, deliveries = [], []
    for n in range(10):
        school, events = a_paying_school(packages, n)
        schools.append(school)
        deliveries += events * 3  # Stripe retries: events arrive more than once
    url = webhook_url(live_server, webhook_endpoint)

    with ThreadPoolExecutor(max_workers=8) as senders:
        statuses = list(senders.map(lambda payload: post(url, payload), deliveries))

    assert statuses == [200] * len(deliveries)
    for school in schools:
        school.refresh_from_db()
        assert (school.package, school.subscription_status) == ("premium", "active")


def wait_until_a_transaction_waits_for_a_lock(deadline_seconds=15):
    try:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
            time.sleep(0.05)  # polling, with the deadline above
        raise AssertionError("the webhook never waited for the package change")
    finally:
        connection.close()  # this runs in the stand-in's thread


def test_a_package_change_and_stripes_webhook_for_it_at_once_both_succeed(
    packages, live_server, webhook_endpoint, school, admin
):
    subscription = packages.subscribe(customer_for_school(school=school).id, STANDARD)
    billing_sync(school=school)
    url = webhook_url(live_server, webhook_endpoint)
    stripe_side = ThreadPoolExecutor(max_workers=1)
    deliveries = []

    def stripe_sends_the_webhook_while_the_change_is_made():
        payload = event(
            "customer.subscription.updated", packages.objects["subscriptions"][subscription["id"]]
        )
        deliveries.append(stripe_side.submit(post, url, payload))
        wait_until_a_transaction_waits_for_a_lock()

    packages.before_post[f"/v1/subscriptions/{subscription['id']}"] = (
        stripe_sends_the_webhook_while_the_change_is_made
    )
    package_change(actor=admin, package_key="premium")

    assert [delivery.result(timeout=60) for delivery in deliveries] == [200]
    stripe_side.shutdown()
    school.refresh_from_db()
    assert (school.package, school.subscription_status) == ("premium", "active")
