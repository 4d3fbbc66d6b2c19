"""What a school may do, computed in one place from its subscription's current state.

Deny by default: a status or price we do not know restricts the school, never the reverse.
"""

from dataclasses import dataclass
from datetime import datetime

from schools.models import Restriction

from .packages import GRACE_PERIOD, TRIAL_PACKAGE, Package, package_by_lookup_key

PLATFORM_TRIAL = "trial"  # our own trial, before any Stripe subscription (no card needed)
RESTRICTED_STATUSES = {
    "canceled": Restriction.CANCELED,
    "incomplete_expired": Restriction.CANCELED,
    "unpaid": Restriction.PAYMENT_OVERDUE,
    "incomplete": Restriction.NO_SUBSCRIPTION,
}


@dataclass(frozen=True)
class SubscriptionState:
    """The part of a Stripe subscription entitlements depend on."""

    status: str
    lookup_key: str | None
    period_end: datetime | None = None


@dataclass(frozen=True)
class Entitlement:
    package: str
    status: str
    entitled: bool
    until: datetime | None
    reason: str
    seat_limit: int | None
    monthly_quota: int
    concurrency: int


def _limits(package: Package | None, seat_override, quota_override):
    seats = package.seats if package else 0
    quota = package.monthly_trainings if package else 0
    return (
        seat_override if seat_override is not None else seats,
        quota_override if quota_override is not None else quota,
        package.concurrent_trainings if package else 0,
    )


def entitlement_for(
    *,
    subscription: SubscriptionState | None,
    trial_ends_at: datetime,
    past_due_since: datetime | None,
    seat_override: int | None = None,
    quota_override: int | None = None,
) -> Entitlement:
    if subscription is None:  # the free trial: Starter limits, until it ends
        seats, quota, concurrency = _limits(TRIAL_PACKAGE, seat_override, quota_override)
        return Entitlement(
            TRIAL_PACKAGE.key,
            PLATFORM_TRIAL,
            True,
            trial_ends_at,
            Restriction.TRIAL_ENDED,
            seats,
            quota,
            concurrency,
        )

    package = package_by_lookup_key(subscription.lookup_key)
    seats, quota, concurrency = _limits(package, seat_override, quota_override)
    key, status = (package.key if package else ""), subscription.status

    def grant(until=None, reason=""):
        return Entitlement(key, status, True, until, reason, seats, quota, concurrency)

    def deny(reason):
        return Entitlement(key, status, False, None, reason, seats, quota, concurrency)

    if package is None:
        return deny(Restriction.UNKNOWN_PACKAGE)
    if status in ("trialing", "active"):
        return grant()
    if status == "past_due" and past_due_since is not None:
        return grant(until=past_due_since + GRACE_PERIOD, reason=Restriction.PAYMENT_OVERDUE)
    return deny(RESTRICTED_STATUSES.get(status, Restriction.UNKNOWN))
