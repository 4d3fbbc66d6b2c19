"""The audit log: one event per audited action, filters, another school's events never shown,
CSV export, and no way to change events through the app."""

import html
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from schools.models import AuditEvent
from tests.factories import InvitationFactory, TeacherFactory


def actions(school):
    return list(
        AuditEvent.objects.filter(school=school).order_by("pk").values_list("action", flat=True)
    )


def test_each_audited_action_creates_exactly_one_event(
    as_admin, admin, school, client, django_capture_on_commit_callbacks
):
    before = len(actions(school))
    teacher = TeacherFactory(school=school)
    slug = school.slug
    as_admin.post(reverse("member_role", args=[slug, teacher.pk]), {"role": "admin"})
    as_admin.post(reverse("member_deactivate", args=[slug, teacher.pk]))
    as_admin.post(reverse("member_reactivate", args=[slug, teacher.pk]))
    as_admin.post(reverse("classroom_create", args=[slug]), {"name": "Robotik 7a"})
    classroom = school.classroom_set.get(name="Robotik 7a")
    as_admin.post(
        reverse("student_import", args=[slug, classroom.pk]),
        {"file": SimpleUploadedFile("k.csv", b"first_name;last_name\nA;B\nC;D\n")},
    )
    invitation = InvitationFactory(school=school, invited_by=admin)
    client.post(
        reverse("invitation_accept", args=[invitation.token]),
        {
            "first_name": "N",
            "last_name": "M",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert actions(school)[before:] == [
        "member_role_changed",
        "member_removed",
        "member_added",
        "classroom_created",
        "students_imported",
        "member_added",
    ]
    event = AuditEvent.objects.get(school=school, action="students_imported")
    assert event.data == {"count": 2} and event.actor == admin and event.ip_address == "127.0.0.1"


def test_filters_and_pagination(as_admin, admin, school):
    for n in range(60):
        AuditEvent.objects.create(
            school=school,
            action="classroom_created",
            actor=admin,
            actor_label="Eva Schulz",
            object_type="classroom",
            object_id=str(n),
        )
    AuditEvent.objects.create(school=school, action="payment_failed", actor_label="Stripe")
    old = AuditEvent.objects.create(school=school, action="package_chosen", actor_label="Stripe")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    url = reverse("audit_log", args=[school.slug])
    first_page = as_admin.get(url, {"actor": "eva"}).content.decode()
    assert first_page.count("Eva Schulz") == 50 and "newer" not in first_page
    older = html.unescape(re.search(r'href="([^"]+)">older', first_page).group(1))
    second_page = as_admin.get(older).content.decode()  # the filter holds on the next page
    assert second_page.count("Eva Schulz") == 10 and "Stripe" not in second_page
    assert "newer" in second_page and "older" not in second_page
    stripe_only = as_admin.get(url, {"actor": "stripe"}).content.decode()
    assert "Stripe reported a failed payment" in stripe_only and "Eva Schulz" not in stripe_only
    recent = as_admin.get(
        url,
        {
            "action": "package_chosen",
            "since": (timezone.localdate() - timedelta(days=7)).isoformat(),
        },
    ).content.decode()
    assert "No events." in recent


@pytest.mark.parametrize("count", [3, 300])
def test_the_audit_log_is_flat(as_admin, school, outsider, count, django_assert_num_queries):
    AuditEvent.objects.bulk_create(
        AuditEvent(school=s, action="payment_failed", actor_label="Stripe")
        for s in (school, outsider.school)
        for _ in range(count)
    )
    url = reverse("audit_log", args=[school.slug])
    as_admin.get(url)
    # session, user, membership, a page of events (no count), schools for the switcher
    with django_assert_num_queries(5):
        page = as_admin.get(url).content.decode()
    assert page.count("Stripe") == min(count, 50)  # only this school's, a page of 50


def test_a_bad_date_re_renders_with_a_message(as_admin, school):
    response = as_admin.get(
        reverse("audit_log", args=[school.slug]), {"since": "31.02.2026", "until": "gestern"}
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Please correct the filter." in page
        and "Enter a valid date." in page
    )


def test_another_schools_events_are_never_shown(as_admin, school, outsider):
    AuditEvent.objects.create(
        school=outsider.school, action="payment_failed", actor_label="Schiller-Geheimnis"
    )
    assert (
        "Schiller-Geheimnis"
        not in as_admin.get(reverse("audit_log", args=[school.slug])).content.decode()
    )
    assert (
        "Schiller-Geheimnis"
        not in as_admin.get(
            reverse("audit_log", args=[school.slug]), {"format": "csv"}
        ).content.decode()
    )


def test_csv_export_is_for_excel_and_is_itself_audited(as_admin, school):
    AuditEvent.objects.create(school=school, action="payment_failed", actor_label="Stripe")
    response = as_admin.get(
        reverse("audit_log", args=[school.slug]), {"format": "csv", "actor": "Stripe"}
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "Stripe;Payment failed" in text.replace(
        "payment failed", "Payment failed"
    )
    assert AuditEvent.objects.filter(school=school, action="audit_log_exported").count() == 1


@pytest.mark.parametrize("role_fixture", ["as_teacher", "as_student"])
def test_only_admins_read_the_audit_log(request, role_fixture, school):
    assert (
        request.getfixturevalue(role_fixture)
        .get(reverse("audit_log", args=[school.slug]))
        .status_code
        == 403
    )


def test_staff_read_but_cannot_change_events_in_the_admin(client, school):
    from tests.factories import UserFactory

    event = AuditEvent.objects.create(school=school, action="payment_failed", actor_label="Stripe")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:schools_auditevent_changelist")).status_code == 200
    assert (
        client.post(
            reverse("admin:schools_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
