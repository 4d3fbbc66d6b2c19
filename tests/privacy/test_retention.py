"""Retention with a clock: the nightly run warns the admins 30 days before and then erases a
student who left, or whose last classroom was archived, the school's months ago."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from privacy.services import retention_run
from schools.models import AuditAction, AuditEvent, Membership
from schools.services.members import member_deactivate, member_reactivate
from tests.factories import EnrollmentFactory
from training.models import Training


def test_a_student_who_left_is_warned_about_then_erased(admin, jurgen, classroom, media, committed):
    staying = EnrollmentFactory(classroom=classroom).student
    member_deactivate(actor=admin, member=jurgen)
    left = Membership.objects.get(pk=jurgen.pk).left_at
    due = left + relativedelta(months=12)

    retention_run(now=due - timedelta(days=31))
    assert mail.outbox == []

    retention_run(now=due - timedelta(days=29))
    retention_run(now=due - timedelta(days=28))  # the next night: no second warning
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin.user.email]
    assert "Jürgen Müller-Weiß" in mail.outbox[0].body
    assert Membership.objects.filter(pk=jurgen.pk).exists()

    with committed():
        assert retention_run(now=due + timedelta(minutes=1)) == 1
    assert not (media / "hub" / "models" / "edubotics-ai" / "goethe-act-jurgen1").exists()
    assert not Membership.objects.filter(pk=jurgen.pk).exists()
    assert Membership.objects.filter(pk=staying.pk).exists()
    assert Training.objects.filter(student=None).count() == 2
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_ERASED)
    assert event.actor is None and event.actor_label == "retention"


def test_the_period_runs_from_the_last_archived_classroom(school, jurgen, classroom):
    school.retention_months = 6
    school.save()
    archived = timezone.now()
    classroom.archived_at = archived
    classroom.save()
    assert retention_run(now=archived + relativedelta(months=6) - timedelta(days=1)) == 0
    assert retention_run(now=archived + relativedelta(months=6, days=1)) == 1


def test_a_student_in_an_open_classroom_or_who_came_back_is_kept(admin, jurgen):
    assert retention_run(now=timezone.now() + relativedelta(years=5)) == 0
    member_deactivate(actor=admin, member=jurgen)
    member_reactivate(actor=admin, member=jurgen)
    assert retention_run(now=timezone.now() + relativedelta(years=5)) == 0
    assert Membership.objects.filter(pk=jurgen.pk, left_at=None).exists()
