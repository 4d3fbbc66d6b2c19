"""Packages, Checkout, the portal and package changes against Stripe at the HTTP edge.

Served by the stand-in (tests/billing/stripe_stand_in.py), because localstripe has no Prices,
Checkout Sessions or portal and dj-stripe cannot sync localstripe's subscriptions.
"""

from django.core.management import call_command
from django.urls import reverse
from djstripe.models import Price, Product

from billing.models import BillingAccount
from billing.packages import PACKAGES
from schools.models import AuditEvent, Restriction
from tests.conftest import client_for
from tests.factories import StudentFactory

from .conftest import deliver, event

STARTER, STANDARD, PREMIUM, ENTERPRISE = PACKAGES


def billing_url(school, *parts):
    return reverse("billing", args=[school.slug]) + "".join(f"{p}/" for p in parts)


def test_syncing_packages_twice_changes_nothing_the_second_time(stand_in, db):
    call_command("billing_sync_packages")
    assert Product.objects.count() == 4
    assert sorted(Price.objects.filter(active=True).values_list("lookup_key", flat=True)) == sorted(
        p.lookup_key for p in PACKAGES
    )
    assert Price.objects.get(lookup_key=STANDARD.lookup_key).stripe_data["unit_amount"] == 17900
    posts_before = len(stand_in.posts())
    call_command("billing_sync_packages")
    assert len(stand_in.posts()) == posts_before  # nothing created or updated in Stripe
    assert Price.objects.count() == 4


def test_a_changed_price_gets_a_new_price_with_the_lookup_key(packages):
    old = packages.price_id(STARTER)
    packages.objects["prices"][old]["unit_amount"] = 8900  # someone edited it in Stripe
    call_command("billing_sync_packages")
    new = Price.objects.get(lookup_key=STARTER.lookup_key, active=True)
    assert new.id != old and new.stripe_data["unit_amount"] == 9900
    assert not Price.objects.get(id=old).active


def test_an_admin_pays_through_checkout_for_the_school(packages, as_admin, school):
    response = as_admin.post(billing_url(school, "checkout", "standard"))
    assert response.status_code == 302 and response["Location"].startswith(
        "https://checkout.stripe.com/"
    )
    session = next(iter(packages.objects["checkout_sessions"].values()))
    account = BillingAccount.objects.get(school=school)
    assert session["customer"] == account.customer.id
    assert session["mode"] == "subscription" and session["client_reference_id"] == str(school.pk)
    assert session["line_items"] == [{"price": packages.price_id(STANDARD), "quantity": "1"}]
    assert (
        session["locale"] == school.language and "/billing/?checkout=done" in session["success_url"]
    )
    assert packages.objects["customers"][account.customer.id]["metadata"] == {
        "school_id": str(school.pk)
    }

    # Stripe finishes the payment; the school comes back and the subscription is read at once.
    packages.subscribe(account.customer.id, STANDARD)
    as_admin.get(billing_url(school) + "?checkout=done")
    school.refresh_from_db()
    assert (
        school.package,
        school.subscription_status,
        school.seat_limit,
        school.restriction(),
    ) == ("standard", "active", 10, "")
    assert AuditEvent.objects.filter(school=school, action="package_chosen").count() == 1
    page = as_admin.get(billing_url(school)).content.decode()
    assert "Standard" in page and "0 of 10 used" in page


def test_a_stripe_error_during_checkout_changes_nothing(packages, as_admin, school):
    packages.failing["/v1/checkout/sessions"] = 500
    response = as_admin.post(billing_url(school, "checkout", "premium"), follow=True)
    assert "Stripe could not be reached" in response.content.decode()
    school.refresh_from_db()
    assert (school.package, school.subscription_status) == ("starter", "trial")


def test_the_portal_opens_for_the_schools_customer(packages, as_admin, school):
    response = as_admin.post(billing_url(school, "portal"))
    assert response["Location"].startswith("https://billing.stripe.com/")


def subscribed(packages, school, package=STANDARD):
    account = BillingAccount.objects.get(school=school)
    from billing.services.accounts import billing_sync
    from billing.services.purchases import customer_for_school

    customer = customer_for_school(school=school)
    subscription = packages.subscribe(customer.id, package)
    billing_sync(school=school)
    account.refresh_from_db()
    return subscription


def test_moving_up_and_down_a_package(packages, as_admin, school):
    subscription = subscribed(packages, school, STANDARD)
    as_admin.post(billing_url(school, "change", "premium"))
    school.refresh_from_db()
    assert (school.package, school.seat_limit, school.monthly_training_quota) == (
        "premium",
        20,
        100,
    )
    assert packages.objects["subscriptions"][subscription["id"]]["items"]["data"][0]["price"][
        "id"
    ] == packages.price_id(PREMIUM)
    assert AuditEvent.objects.filter(
        school=school, action="package_changed", data__to="premium"
    ).exists()
    assert as_admin.get(billing_url(school, "change", "platin")).status_code == 404


def test_a_smaller_package_than_the_active_students_is_refused(packages, as_admin, school):
    subscribed(packages, school, STANDARD)
    for _ in range(7):
        StudentFactory(school=school)
    response = as_admin.post(billing_url(school, "change", "starter"), follow=True)
    assert "deactivate 2 students first" in response.content.decode()
    school.refresh_from_db()
    assert school.package == "standard"


def test_cancelling_in_the_portal_restricts_the_school(
    packages, client, as_admin, school, webhook_endpoint
):
    subscription = subscribed(packages, school, STANDARD)
    packages.set_status(subscription["id"], "canceled")
    assert (
        deliver(
            client, webhook_endpoint, event("customer.subscription.deleted", subscription)
        ).status_code
        == 200
    )
    school.refresh_from_db()
    assert school.restriction() == Restriction.CANCELED
    assert AuditEvent.objects.filter(school=school, action="package_cancelled").count() == 1
    page = as_admin.get(reverse("dashboard", args=[school.slug])).content.decode()
    assert "The package was cancelled." in page  # the admin's banner


def test_only_admins_reach_billing(as_teacher, as_student, school, outsider):
    for client in (as_teacher, as_student):
        assert client.get(billing_url(school)).status_code == 403
        assert client.post(billing_url(school, "checkout", "starter")).status_code == 403
    assert client_for(outsider).get(billing_url(school)).status_code == 404


def test_without_stripe_keys_billing_says_payments_are_not_configured(as_admin, school, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = as_admin.get(billing_url(school)).content.decode()
    assert "Payments are not configured" in page and "Free trial until" in page
    response = as_admin.post(billing_url(school, "checkout", "starter"), follow=True)
    assert "Payments are not configured" in response.content.decode()
