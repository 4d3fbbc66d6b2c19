"""What a school admin buys through Stripe: the customer, Checkout, the portal, package changes."""

import logging

import stripe
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from djstripe.models import Customer, Subscription

from schools.errors import ApplicationError
from schools.models import Membership, School
from schools.services.seats import seats_used

from ..entitlements import Entitlement
from ..models import BillingAccount
from ..packages import Package, package_by_key
from .accounts import (
    LIVE_STATUSES,
    billing_account_lock,
    entitlement_refresh,
    require_payments,
    stripe_key,
    subscription_current,
)
from .catalogue import price_for

logger = logging.getLogger(__name__)
STRIPE_UNAVAILABLE = gettext_lazy(
    "Stripe could not be reached. Nothing was changed; please try again in a moment."
)


def _require_admin(actor: Membership):
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins manage billing."))


def _package_for_admin(actor: Membership, package_key: str) -> Package:
    _require_admin(actor)
    require_payments()
    package = package_by_key(package_key)
    if package is None:
        raise ApplicationError(_("Unknown package."))
    return package


def customer_for_school(*, school: School) -> Customer:
    """The school's Stripe customer (created on first use), carrying the school's id."""
    account = BillingAccount.objects.select_related("customer").get(school=school)
    if account.customer is not None:
        return account.customer
    data = stripe.Customer.create(
        name=school.name,
        metadata={"school_id": str(school.pk)},
        preferred_locales=[school.language],
        api_key=stripe_key(),
        idempotency_key=f"edubotics-school-{school.pk}-customer",
    )
    customer = Customer.sync_from_stripe_data(data, api_key=stripe_key())
    account.customer = customer
    account.save(update_fields=["customer"])
    return customer


def checkout_start(
    *, actor: Membership, package_key: str, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout Session for the package; returns where to send the admin."""
    package = _package_for_admin(actor, package_key)
    school = actor.school
    if school.subscription_status in LIVE_STATUSES:
        raise ApplicationError(_("The school already has a package; change it instead."))
    _check_seats_fit(school, package)
    try:
        customer = customer_for_school(school=school)
        session = stripe.checkout.Session.create(
            customer=customer.id,
            mode="subscription",
            client_reference_id=str(school.pk),
            line_items=[{"price": price_for(package).id, "quantity": 1}],
            subscription_data={"metadata": {"school_id": str(school.pk)}},
            locale=school.language,
            success_url=success_url,
            cancel_url=cancel_url,
            api_key=stripe_key(),
        )
    except stripe.StripeError:
        logger.exception("Stripe Checkout failed for school %s", school.pk)
        raise ApplicationError(STRIPE_UNAVAILABLE) from None
    return session.url


def portal_open(*, actor: Membership, return_url: str) -> str:
    """The Stripe Customer Portal (card, invoices, cancellation) for the school."""
    _require_admin(actor)
    require_payments()
    try:
        customer = customer_for_school(school=actor.school)
        session = stripe.billing_portal.Session.create(
            customer=customer.id,
            return_url=return_url,
            locale=actor.school.language,
            api_key=stripe_key(),
        )
    except stripe.StripeError:
        logger.exception("Stripe portal failed for school %s", actor.school_id)
        raise ApplicationError(STRIPE_UNAVAILABLE) from None
    return session.url


def _check_seats_fit(school: School, package: Package):
    account = BillingAccount.objects.get(school=school)
    seats = account.seat_override if account.seat_override is not None else package.seats
    used = seats_used(school)
    if seats is not None and used > seats:
        excess = used - seats
        raise ApplicationError(
            ngettext(
                "%(package)s has %(seats)d seats but %(used)d students are active: deactivate %(excess)d student first.",
                "%(package)s has %(seats)d seats but %(used)d students are active: deactivate %(excess)d students first.",
                excess,
            )
            % {"package": package.name, "seats": seats, "used": used, "excess": excess}
        )


def package_change(*, actor: Membership, package_key: str) -> Entitlement:
    """Moves the school's subscription to another package (prorated by Stripe)."""
    package = _package_for_admin(actor, package_key)
    school = actor.school
    account = BillingAccount.objects.get(school=school)
    subscription = subscription_current(account)
    if subscription is None or subscription.stripe_data.get("status") not in LIVE_STATUSES:
        raise ApplicationError(_("The school has no package to change; choose one instead."))
    if school.package == package.key:
        raise ApplicationError(_("The school already has this package."))
    with transaction.atomic():
        billing_account_lock(school=school)  # a webhook for this school waits for the change
        School.objects.select_for_update().get(pk=school.pk)  # no enrollment slips in meanwhile
        _check_seats_fit(school, package)
        item = subscription.stripe_data["items"]["data"][0]
        try:
            data = stripe.Subscription.modify(
                subscription.id,
                items=[{"id": item["id"], "price": price_for(package).id}],
                proration_behavior="create_prorations",
                api_key=stripe_key(),
            )
        except stripe.StripeError:
            logger.exception("Stripe package change failed for school %s", school.pk)
            raise ApplicationError(STRIPE_UNAVAILABLE) from None
        Subscription.sync_from_stripe_data(data, api_key=stripe_key())
    return entitlement_refresh(school=school, actor_label=str(actor.user))
