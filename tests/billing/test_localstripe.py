"""Against localstripe, a stateful fake Stripe server: a school's customer, the packages'
products, and webhook deliveries signed by the emulator arriving at dj-stripe's endpoint."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import stripe
from djstripe.models import Customer, Product, WebhookEventTrigger

from billing.models import BillingAccount
from billing.packages import PACKAGES
from billing.services.catalogue import product_sync
from billing.services.purchases import customer_for_school
from tests.conftest import postgres_only

from .conftest import WEBHOOK_SECRET

SERVER = Path(__file__).with_name("localstripe_server.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def localstripe_url():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/v1/account", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("localstripe did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_url, stripe_keys, monkeypatch):
    requests.delete(f"{localstripe_url}/_config/data", timeout=5)
    monkeypatch.setattr(stripe, "api_base", localstripe_url)
    return localstripe_url


def test_a_school_becomes_one_stripe_customer_carrying_its_id(localstripe, school):
    customer = customer_for_school(school=school)
    remote = stripe.Customer.retrieve(customer.id, api_key=stripe.api_key or "sk_test_" + "e" * 24)
    assert remote["metadata"]["school_id"] == str(school.pk) and remote["name"] == school.name
    assert BillingAccount.objects.get(school=school).customer == customer
    assert customer_for_school(school=school) == customer  # one-to-one: asked again, the same one
    assert Customer.objects.count() == 1


def test_the_packages_products_are_created_once(localstripe, db):
    for package in PACKAGES:
        assert product_sync(package) == [f"{package.key}: product created"]
    assert all(product_sync(package) == [] for package in PACKAGES)
    assert sorted(Product.objects.values_list("id", flat=True)) == sorted(
        p.product_id for p in PACKAGES
    )


@postgres_only  # localstripe delivers concurrently; SQLite answers "database is locked"
def test_deliveries_signed_by_the_emulator_reach_dj_stripe(
    localstripe, live_server, school, webhook_endpoint
):
    url = f"{live_server.url}/stripe/webhook/{webhook_endpoint.djstripe_uuid}/"
    requests.post(
        f"{localstripe}/_config/webhooks/edubotics",
        data={"url": url, "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    customer = customer_for_school(school=school)
    stripe.Customer.modify(
        customer.id, name="Goethe-Gymnasium Weimar", api_key="sk_test_" + "e" * 24
    )

    deadline = time.monotonic() + 20
    while (
        time.monotonic() < deadline
        and not WebhookEventTrigger.objects.filter(
            processed=True, body__contains="customer.updated"
        ).exists()
    ):
        time.sleep(0.2)
    triggers = WebhookEventTrigger.objects.all()
    assert triggers and all(t.valid for t in triggers)  # localstripe's signatures verified
    assert triggers.filter(processed=True, body__contains="customer.updated").exists()
    customer.refresh_from_db()
    assert customer.stripe_data["name"] == "Goethe-Gymnasium Weimar"  # dj-stripe re-read it
