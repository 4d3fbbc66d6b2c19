"""The entitlement rules, as a table: every status × trial × override → allowed or not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.entitlements import SubscriptionState, entitlement_for
from billing.packages import GRACE_PERIOD, PACKAGES
from schools.models import Restriction, School

NOW = timezone.now()
STANDARD = PACKAGES[1].lookup_key


def school_with(entitlement) -> School:
    return School(
        entitled=entitlement.entitled,
        entitled_until=entitlement.until,
        restriction_reason=entitlement.reason,
        subscription_status=entitlement.status,
    )


@pytest.mark.parametrize(
    ("status", "past_due_for", "allowed", "reason"),
    [
        ("active", None, True, ""),
        ("trialing", None, True, ""),
        ("past_due", timedelta(days=1), True, ""),
        ("past_due", GRACE_PERIOD + timedelta(minutes=1), False, Restriction.PAYMENT_OVERDUE),
        ("canceled", None, False, Restriction.CANCELED),
        ("unpaid", None, False, Restriction.PAYMENT_OVERDUE),
        ("incomplete", None, False, Restriction.NO_SUBSCRIPTION),
        ("incomplete_expired", None, False, Restriction.CANCELED),
        ("paused", None, False, Restriction.UNKNOWN),
        ("something_new", None, False, Restriction.UNKNOWN),
    ],
)
@pytest.mark.parametrize("trial_over", [False, True])
@pytest.mark.parametrize("override", [None, 40])
def test_subscription_statuses(status, past_due_for, allowed, reason, trial_over, override):
    entitlement = entitlement_for(
        subscription=SubscriptionState(status=status, lookup_key=STANDARD),
        trial_ends_at=NOW - timedelta(days=1) if trial_over else NOW + timedelta(days=10),
        past_due_since=NOW - past_due_for if past_due_for else None,
        seat_override=override,
        quota_override=override,
    )
    school = school_with(entitlement)
    assert school.restriction(NOW) == reason
    assert (school.restriction(NOW) == "") is allowed
    assert entitlement.seat_limit == (override or 10)
    assert entitlement.monthly_quota == (override or 50)
    assert entitlement.concurrency == 5


@pytest.mark.parametrize(("trial_over", "allowed"), [(False, True), (True, False)])
def test_the_free_trial_has_starter_limits_and_ends_on_time(trial_over, allowed):
    entitlement = entitlement_for(
        subscription=None,
        trial_ends_at=NOW - timedelta(seconds=1) if trial_over else NOW + timedelta(days=14),
        past_due_since=None,
    )
    assert (entitlement.seat_limit, entitlement.monthly_quota, entitlement.concurrency) == (
        5,
        25,
        3,
    )
    school = school_with(entitlement)
    assert school.restriction(NOW) == ("" if allowed else Restriction.TRIAL_ENDED)


def test_an_unknown_price_is_denied_not_unlimited():
    entitlement = entitlement_for(
        subscription=SubscriptionState(status="active", lookup_key="old_plan_from_2024"),
        trial_ends_at=NOW + timedelta(days=14),
        past_due_since=None,
    )
    assert not entitlement.entitled and entitlement.reason == Restriction.UNKNOWN_PACKAGE
    assert (entitlement.seat_limit, entitlement.monthly_quota, entitlement.concurrency) == (0, 0, 0)


def test_enterprise_has_unlimited_seats_but_a_training_quota():
    entitlement = entitlement_for(
        subscription=SubscriptionState(status="active", lookup_key=PACKAGES[3].lookup_key),
        trial_ends_at=NOW,
        past_due_since=None,
    )
    assert entitlement.seat_limit is None and entitlement.monthly_quota == 500


def test_a_school_without_any_billing_state_is_denied():
    assert School().restriction(NOW) == Restriction.NO_SUBSCRIPTION


def test_the_package_table_matches_the_price_list():
    assert [
        (p.name, p.seats, p.monthly_price_cents, p.monthly_trainings, p.concurrent_trainings)
        for p in PACKAGES
    ] == [
        ("Starter", 5, 9900, 25, 3),
        ("Standard", 10, 17900, 50, 5),
        ("Premium", 20, 29900, 100, 10),
        ("Enterprise", None, 49900, 500, 20),
    ]
