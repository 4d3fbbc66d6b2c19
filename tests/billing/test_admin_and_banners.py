"""Staff in the Django admin, and the banners admins and teachers see."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from billing.models import BillingAccount
from billing.packages import PACKAGES
from billing.services.accounts import entitlement_refresh
from billing.services.purchases import customer_for_school
from schools.models import AuditEvent
from tests.factories import UserFactory


def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_raise_a_schools_limits_and_it_is_audited(client, school):
    account = BillingAccount.objects.get(school=school)
    url = reverse("admin:billing_billingaccount_change", args=[account.pk])
    response = staff_client(client).post(
        url,
        {
            "trial_ends_at_0": "2030-01-01",
            "trial_ends_at_1": "00:00:00",
            "seat_override": "40",
            "quota_override": "80",
        },
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.seat_limit, school.monthly_training_quota) == (40, 80)
    event = AuditEvent.objects.get(school=school, action="limits_overridden")
    assert event.data == {"seats": 40, "quota": 80} and event.actor_label.startswith("staff:")


def test_staff_resync_a_school_from_stripe(packages, client, school):
    packages.subscribe(customer_for_school(school=school).id, PACKAGES[2])
    account = BillingAccount.objects.get(school=school)
    response = staff_client(client).post(
        reverse("admin:billing_billingaccount_changelist"),
        {"action": "resync", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.package, school.subscription_status) == ("premium", "active")


def test_staff_see_every_schools_subscription(client, school, outsider):
    page = (
        staff_client(client)
        .get(reverse("admin:billing_billingaccount_changelist"))
        .content.decode()
    )
    assert school.name in page and outsider.school.name in page


def end_trial_in(school, delta):
    account = BillingAccount.objects.get(school=school)
    account.trial_ends_at = timezone.now() + delta
    account.save()
    entitlement_refresh(school=school)


def test_admins_are_warned_three_days_before_the_trial_ends(as_admin, school):
    dashboard = reverse("dashboard", args=[school.slug])
    assert "free trial ends" not in as_admin.get(dashboard).content.decode()
    end_trial_in(school, timedelta(days=2))
    assert "The free trial ends on" in as_admin.get(dashboard).content.decode()


def test_teachers_get_a_short_note_when_the_school_is_restricted(as_teacher, school):
    dashboard = reverse("dashboard", args=[school.slug])
    end_trial_in(school, timedelta(days=2))
    assert (
        "paused" not in as_teacher.get(dashboard).content.decode()
    )  # the trial is the admin's concern
    end_trial_in(school, -timedelta(seconds=1))
    assert (
        "Trainings and new students are paused for this school."
        in as_teacher.get(dashboard).content.decode()
    )


def test_students_see_no_billing_banner(as_student, school):
    end_trial_in(school, -timedelta(seconds=1))
    assert "paused" not in as_student.get(reverse("dashboard", args=[school.slug])).content.decode()
