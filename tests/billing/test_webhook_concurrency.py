"""Parallel signed deliveries, as Stripe sends them: for one school at once and for many.

Each delivery makes dj-stripe record the event and the school re-read its subscriptions and
invoices from Stripe (the stand-in at the HTTP edge) in one transaction, so parallel deliveries
for one school compete for the same rows. They must wait for each other, never deadlock.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from billing.packages import PACKAGES
from billing.services.purchases import customer_for_school
from tests.conftest import postgres_only
from tests.factories import SchoolFactory

from .conftest import event, sign

STARTER, STANDARD, PREMIUM, ENTERPRISE = PACKAGES
pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


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
    schools, deliveries = [], []
    for n in range(10):
        school, events = a_paying_school(packages, n)
        schools.append(school)
        deliveries += events * 3  # Stripe retries: every event arrives twice
    url = f"{live_server.url}/stripe/webhook/{webhook_endpoint.djstripe_uuid}/"

    def post(payload):
        body = json.dumps(payload)
        return requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as senders:
        statuses = list(senders.map(post, deliveries))

    assert statuses == [200] * len(deliveries)
    for school in schools:
        school.refresh_from_db()
        assert (school.package, school.subscription_status) == ("premium", "active")
