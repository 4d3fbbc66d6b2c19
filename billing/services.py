"""Billing writes: the school's Stripe customer, Checkout, the portal, package changes, syncing
from Stripe, staff overrides, and keeping the school's entitlement current."""

import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from djstripe.models import Customer, Invoice, Price, Product, Subscription

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, School
from schools.services.seats import seats_used

from .entitlements import Entitlement, SubscriptionState, entitlement_for
from .models import BillingAccount
from .packages import CURRENCY, PACKAGES, TRIAL_LENGTH, Package, package_by_key

logger = logging.getLogger(__name__)
LIVE_STATUSES = ("trialing", "active", "past_due")
STRIPE_UNAVAILABLE = gettext_lazy(
    "Stripe could not be reached. Nothing was changed; please try again in a moment."
)


def payments_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _key() -> str:
    return settings.STRIPE_SECRET_KEY


def _require_admin(actor: Membership):
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins manage billing."))


def _require_payments():
    if not payments_configured():
        raise ApplicationError(_("Payments are not configured on this installation."))


def _package_for_admin(actor: Membership, package_key: str) -> Package:
    _require_admin(actor)
    _require_payments()
    package = package_by_key(package_key)
    if package is None:
        raise ApplicationError(_("Unknown package."))
    return package


# --- reading a subscription -------------------------------------------------------------------


def subscription_current(account: BillingAccount) -> Subscription | None:
    """The subscription that decides the school's package: a live one, else the newest."""
    if not account.customer_id:
        return None
    subscriptions = sorted(
        Subscription.objects.filter(customer_id=account.customer_id),
        key=lambda s: (
            s.stripe_data.get("status") in LIVE_STATUSES,
            s.stripe_data.get("created", 0),
        ),
    )
    return subscriptions[-1] if subscriptions else None


def subscription_state(subscription: Subscription) -> SubscriptionState:
    data = subscription.stripe_data
    items = (data.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or {}
    period_end = items[0].get("current_period_end") or data.get("current_period_end")
    return SubscriptionState(
        status=data.get("status", ""),
        lookup_key=price.get("lookup_key") if isinstance(price, dict) else None,
        period_end=datetime.fromtimestamp(period_end, tz=UTC) if period_end else None,
    )


# --- the entitlement ----------------------------------------------------------------------------


def _audit_transition(school: School, new: Entitlement, actor_label: str):
    old_status, old_package = school.subscription_status, school.package
    was_live, is_live = old_status in LIVE_STATUSES, new.status in LIVE_STATUSES
    events = []
    if is_live and not was_live and new.status != "past_due":
        events.append((AuditAction.PACKAGE_CHOSEN, {"package": new.package}))
    elif is_live and was_live and new.package != old_package:
        events.append((AuditAction.PACKAGE_CHANGED, {"from": old_package, "to": new.package}))
    if new.status == "canceled" and old_status != "canceled":
        events.append((AuditAction.PACKAGE_CANCELLED, {"package": new.package}))
    if new.status == "past_due" and old_status != "past_due":
        events.append((AuditAction.PAYMENT_FAILED, {"package": new.package}))
    for action, data in events:
        audit_record(
            school=school, action=action, actor_label=actor_label, target=school, data=data
        )


@transaction.atomic
def entitlement_refresh(*, school: School, actor_label: str = "") -> Entitlement:
    """Recomputes what the school may do from its synced subscription and stores it on the school.

    Safe to call any number of times: the same Stripe state gives the same result, and audit
    events are written only when the state really changes.
    """
    school = School.objects.select_for_update().get(pk=school.pk)
    account = BillingAccount.objects.select_for_update().get(school=school)
    subscription = subscription_current(account)
    state = subscription_state(subscription) if subscription else None
    past_due_since = (
        (account.past_due_since or timezone.now()) if state and state.status == "past_due" else None
    )
    if past_due_since != account.past_due_since:
        account.past_due_since = past_due_since
        account.save(update_fields=["past_due_since"])
    entitlement = entitlement_for(
        subscription=state,
        trial_ends_at=account.trial_ends_at,
        past_due_since=past_due_since,
        seat_override=account.seat_override,
        quota_override=account.quota_override,
    )
    _audit_transition(school, entitlement, actor_label)
    school.package, school.subscription_status = entitlement.package, entitlement.status
    school.entitled, school.entitled_until = entitlement.entitled, entitlement.until
    school.restriction_reason = entitlement.reason
    school.seat_limit, school.monthly_training_quota = (
        entitlement.seat_limit,
        entitlement.monthly_quota,
    )
    school.concurrent_training_limit = entitlement.concurrency
    school.save()
    return entitlement


def billing_account_open(*, school: School) -> BillingAccount:
    """Every new school starts on the free trial with Starter limits; no card needed."""
    account, _created = BillingAccount.objects.get_or_create(
        school=school, defaults={"trial_ends_at": school.created_at + TRIAL_LENGTH}
    )
    entitlement_refresh(school=school)
    return account


def billing_sync(*, school: School, actor_label: str = "Stripe") -> Entitlement:
    """Re-reads the school's subscriptions and invoices from Stripe, then its entitlement.

    Webhooks call this instead of trusting the event's payload, so repeated and out-of-order
    events all converge on what Stripe says now.
    """
    account = BillingAccount.objects.get(school=school)
    if account.customer_id and payments_configured():
        for data in stripe.Subscription.list(
            customer=account.customer_id, status="all", limit=100, api_key=_key()
        ).auto_paging_iter():
            Subscription.sync_from_stripe_data(data, api_key=_key())
        for data in stripe.Invoice.list(
            customer=account.customer_id, limit=24, api_key=_key()
        ).data:
            Invoice.sync_from_stripe_data(data, api_key=_key())
    return entitlement_refresh(school=school, actor_label=actor_label)


def limits_override(
    *, school: School, seats: int | None, quota: int | None, staff_label: str
) -> Entitlement:
    """Staff raise (or reset, with None) a school's seats and monthly training quota."""
    account = BillingAccount.objects.get(school=school)
    account.seat_override, account.quota_override = seats, quota
    account.save(update_fields=["seat_override", "quota_override"])
    audit_record(
        school=school,
        action=AuditAction.LIMITS_OVERRIDDEN,
        actor_label=staff_label,
        target=school,
        data={"seats": seats, "quota": quota},
    )
    return entitlement_refresh(school=school, actor_label=staff_label)


# --- Stripe: customer, checkout, portal, package change -------------------------------------------


def customer_for_school(*, school: School) -> Customer:
    """The school's Stripe customer (created on first use), carrying the school's id."""
    account = BillingAccount.objects.select_related("customer").get(school=school)
    if account.customer is not None:
        return account.customer
    data = stripe.Customer.create(
        name=school.name,
        metadata={"school_id": str(school.pk)},
        preferred_locales=[school.language],
        api_key=_key(),
        idempotency_key=f"edubotics-school-{school.pk}-customer",
    )
    customer = Customer.sync_from_stripe_data(data, api_key=_key())
    account.customer = customer
    account.save(update_fields=["customer"])
    return customer


def price_for(package: Package) -> Price:
    price = Price.objects.filter(lookup_key=package.lookup_key, active=True).first()
    if price is None:
        raise ApplicationError(
            _("This package is not available yet. EduBotics staff must run billing_sync_packages.")
        )
    return price


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
            api_key=_key(),
        )
    except stripe.StripeError:
        logger.exception("Stripe Checkout failed for school %s", school.pk)
        raise ApplicationError(STRIPE_UNAVAILABLE) from None
    return session.url


def portal_open(*, actor: Membership, return_url: str) -> str:
    """The Stripe Customer Portal (card, invoices, cancellation) for the school."""
    _require_admin(actor)
    _require_payments()
    try:
        customer = customer_for_school(school=actor.school)
        session = stripe.billing_portal.Session.create(
            customer=customer.id,
            return_url=return_url,
            locale=actor.school.language,
            api_key=_key(),
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
        School.objects.select_for_update().get(pk=school.pk)  # no enrollment slips in meanwhile
        _check_seats_fit(school, package)
        item = subscription.stripe_data["items"]["data"][0]
        try:
            data = stripe.Subscription.modify(
                subscription.id,
                items=[{"id": item["id"], "price": price_for(package).id}],
                proration_behavior="create_prorations",
                api_key=_key(),
            )
        except stripe.StripeError:
            logger.exception("Stripe package change failed for school %s", school.pk)
            raise ApplicationError(STRIPE_UNAVAILABLE) from None
        Subscription.sync_from_stripe_data(data, api_key=_key())
    return entitlement_refresh(school=school, actor_label=str(actor.user))


# --- the package table in Stripe ------------------------------------------------------------------


def packages_sync() -> list[str]:
    """Creates or updates each package's Product and monthly Price in Stripe (by id and lookup
    key) and syncs them into dj-stripe. Idempotent: a second run changes nothing in Stripe."""
    _require_payments()
    report = []
    for package in PACKAGES:
        report += product_sync(package) + price_sync(package)
    return report or ["all packages up to date"]


def product_sync(package: Package) -> list[str]:
    name, report = f"EduBotics {package.name}", []
    try:
        product = stripe.Product.retrieve(package.product_id, api_key=_key())
        if product["name"] != name or not product["active"]:
            product = stripe.Product.modify(
                package.product_id, name=name, active=True, api_key=_key()
            )
            report.append(f"{package.key}: product updated")
    except stripe.InvalidRequestError:
        product = stripe.Product.create(
            id=package.product_id, name=name, metadata={"package": package.key}, api_key=_key()
        )
        report.append(f"{package.key}: product created")
    Product.sync_from_stripe_data(product, api_key=_key())
    return report


def price_sync(package: Package) -> list[str]:
    report = []
    prices = stripe.Price.list(lookup_keys=[package.lookup_key], active=True, api_key=_key()).data
    price = next((p for p in prices if _price_matches(p, package)), None)
    if price is None:
        price = stripe.Price.create(
            product=package.product_id,
            currency=CURRENCY,
            unit_amount=package.monthly_price_cents,
            recurring={"interval": "month"},
            lookup_key=package.lookup_key,
            transfer_lookup_key=True,
            metadata={"package": package.key},
            api_key=_key(),
        )
        report.append(f"{package.key}: price created")
    for stale in (p for p in prices if p["id"] != price["id"]):  # nobody may buy an old price
        Price.sync_from_stripe_data(
            stripe.Price.modify(stale["id"], active=False, api_key=_key()), api_key=_key()
        )
        report.append(f"{package.key}: old price {stale['id']} deactivated")
    Price.sync_from_stripe_data(price, api_key=_key())
    return report


def _price_matches(price, package: Package) -> bool:
    return (
        price["unit_amount"] == package.monthly_price_cents
        and price["currency"] == CURRENCY
        and (price["recurring"] or {}).get("interval") == "month"
        and price["product"] == package.product_id
    )
