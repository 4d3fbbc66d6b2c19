"""A school's billing account and what it may do, kept in step with Stripe."""

from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djstripe.models import Invoice, Subscription

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, School

from ..entitlements import Entitlement, SubscriptionState, entitlement_for
from ..models import BillingAccount
from ..packages import TRIAL_LENGTH

LIVE_STATUSES = ("trialing", "active", "past_due")


def payments_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_key() -> str:
    return settings.STRIPE_SECRET_KEY


def require_payments():
    if not payments_configured():
        raise ApplicationError(_("Payments are not configured on this installation."))


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


def billing_account_lock(**lookup) -> BillingAccount | None:
    """Locks a school's billing account (found by ``school=`` or ``customer_id=``). Call inside
    atomic().

    Every billing write takes this lock first and the school row after it, so parallel webhooks,
    syncs and package changes for one school wait in line instead of deadlocking; other schools
    are not held up.
    """
    return (
        BillingAccount.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(**lookup)
        .first()
    )


@transaction.atomic
def entitlement_refresh(*, school: School, actor_label: str = "") -> Entitlement:
    """Recomputes what the school may do from its synced subscription and stores it on the school.

    Safe to call any number of times: the same Stripe state gives the same result, and audit
    events are written only when the state really changes.
    """
    account = billing_account_lock(school=school)
    school = School.objects.select_for_update().get(pk=school.pk)
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


@transaction.atomic
def billing_sync(*, school: School, actor_label: str = "Stripe") -> Entitlement:
    """Re-reads the school's subscriptions and invoices from Stripe, then its entitlement.

    Webhooks call this instead of trusting the event's payload, so repeated and out-of-order
    events all converge on what Stripe says now.
    """
    account = billing_account_lock(school=school)
    if account.customer_id and payments_configured():
        for data in stripe.Subscription.list(
            customer=account.customer_id, status="all", limit=100, api_key=stripe_key()
        ).auto_paging_iter():
            Subscription.sync_from_stripe_data(data, api_key=stripe_key())
        for data in stripe.Invoice.list(
            customer=account.customer_id, limit=24, api_key=stripe_key()
        ).data:
            Invoice.sync_from_stripe_data(data, api_key=stripe_key())
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
