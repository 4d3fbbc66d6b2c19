"""The budget pages: the admin's budget and ledger (chart, CSV, settings, pages of entries), the
teacher's approval queue with approve and decline, and another school's ids answered with 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import AuditAction, AuditEvent
from tests.conftest import client_for
from tests.factories import TrainingFactory
from training.models import BudgetEntry, BudgetSettings, ClassroomBudget, Status, Training
from training.services.rollup import training_rollup_rebuild

Kind = BudgetEntry.Kind


def entries(training, count):
    BudgetEntry.objects.bulk_create(
        BudgetEntry(
            school=training.school,
            kind=Kind.RESERVATION,
            amount_eur=Decimal("1.25"),
            training=training,
            classroom=training.classroom,
        )
        for _ in range(count)
    )
    training_rollup_rebuild(school=training.school)  # written in bulk, past the services


@pytest.fixture
def waiting(student, classroom):
    return TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.AWAITING_APPROVAL,
        cost_estimate_eur=Decimal("7.40"),
    )


def test_the_admin_sees_the_budget_the_ledger_and_the_average_against_the_target(
    as_admin, school, student, classroom
):
    school.monthly_training_quota = 50
    school.save()
    training = TrainingFactory(
        student=student, classroom=classroom, status=Status.COMPLETED, cost_eur=Decimal("1.50")
    )
    training.completed_at = training.created_at
    training.save()
    entries(training, 2)
    page = as_admin.get(reverse("budget", args=[school.slug])).content.decode()
    assert "125.00 €" in page and "122.50 €" in page  # budget, left after 2 × 1.25 €
    assert "1.50 €" in page and "target 2.50 €, 1 training this month" in page
    assert training.model_name in page and "<svg" in page


@pytest.mark.parametrize("count", [3, 120])
def test_the_budget_page_reads_the_same_number_of_queries_at_any_size(
    as_admin, school, student, classroom, count, django_assert_num_queries
):
    for _ in range(3):
        entries(TrainingFactory(student=student, classroom=classroom), count // 3)
    # session, user, membership, budget settings, what waiting trainings hold, the month's
    # settled average, the per-day sums (the month's use and the chart), the ledger's page,
    # schools for the switcher; the session saved (savepoint, update, release)
    with django_assert_num_queries(12):
        response = as_admin.get(reverse("budget", args=[school.slug]))
    assert response.status_code == 200


def test_the_ledger_pages_by_keyset(as_admin, school, student):
    entries(TrainingFactory(student=student), 60)
    url = reverse("budget", args=[school.slug])
    first = as_admin.get(url)
    older = first.context["page"].older
    assert len(first.context["page"].items) == 50 and older
    second = as_admin.get(older)
    assert len(second.context["page"].items) == 10 and second.context["page"].newer


def test_the_ledger_csv_opens_in_german_excel_and_is_audited(as_admin, admin, school, student):
    training = TrainingFactory(student=student, model_name="=HYPERLINK(1)")
    BudgetEntry.objects.create(
        school=school, kind=Kind.REFUND, amount_eur=Decimal("-0.31"), training=training
    )
    response = as_admin.get(reverse("budget", args=[school.slug]) + "?format=csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and ";-0,31;" in body and "'=HYPERLINK(1)" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.BUDGET_LEDGER_EXPORTED, actor=admin
    ).exists()


def test_an_erased_students_training_stays_in_the_ledger_csv(as_admin, school, student):
    training = TrainingFactory(student=student, model_name="greifen")
    BudgetEntry.objects.create(
        school=school, kind=Kind.SETTLEMENT, amount_eur=Decimal("0.40"), training=training
    )
    Training.objects.filter(pk=training.pk).update(student=None)  # what erasure leaves
    body = as_admin.get(reverse("budget", args=[school.slug]) + "?format=csv").content.decode()
    assert ";0,40;greifen;a former member;" in body


def test_the_admin_sets_the_limit_threshold_and_a_classroom_share(
    as_admin, admin, school, classroom
):
    url = reverse("budget_settings", args=[school.slug])
    response = as_admin.post(
        url,
        {
            "per_training_limit_eur": "20",
            "approval_threshold_eur": "7.5",
            f"share_{classroom.pk}": "30",
        },
    )
    assert response.status_code == 302
    settings = BudgetSettings.objects.get(school=school)
    assert (settings.per_training_limit_eur, settings.approval_threshold_eur) == (
        20,
        Decimal("7.5"),
    )
    assert ClassroomBudget.objects.get(classroom=classroom).monthly_eur == 30
    assert AuditEvent.objects.filter(action=AuditAction.BUDGET_CHANGED, actor=admin).exists()
    as_admin.post(url, {"approval_threshold_eur": "5", f"share_{classroom.pk}": ""})
    assert not ClassroomBudget.objects.filter(classroom=classroom).exists()


def test_bad_settings_are_a_field_error_and_change_nothing(as_admin, school):
    response = as_admin.post(
        reverse("budget_settings", args=[school.slug]),
        {"per_training_limit_eur": "-3", "approval_threshold_eur": "abc"},
    )
    assert response.status_code == 200 and response.context["form"].errors.keys() == {
        "per_training_limit_eur",
        "approval_threshold_eur",
    }
    assert not BudgetSettings.objects.filter(school=school).exists()


def test_teachers_and_students_do_not_see_the_budget(as_teacher, as_student, school):
    for name in ("budget", "budget_settings"):
        url = reverse(name, args=[school.slug])
        assert as_teacher.get(url).status_code == 403 and as_student.get(url).status_code == 403


def test_the_teacher_home_lists_trainings_awaiting_approval_with_the_estimate(
    as_teacher, school, waiting
):
    page = as_teacher.get(reverse("dashboard", args=[school.slug])).content.decode()
    assert "Trainings awaiting your approval" in page and "7.40 €" in page
    assert reverse("training_approve", args=[school.slug, waiting.pk]) in page
    Training.objects.filter(pk=waiting.pk).update(steps=100000)
    school.language = "de"
    school.save()
    page = as_teacher.get(reverse("dashboard", args=[school.slug])).content.decode()
    assert "ACT, 100.000 Schritte</a>" in page


def test_a_teacher_approves_after_confirming(
    as_teacher, school, waiting, fake_modal, django_capture_on_commit_callbacks
):
    url = reverse("training_approve", args=[school.slug, waiting.pk])
    assert "7.40" in as_teacher.get(url).content.decode()  # the confirmation, nothing changed
    assert Training.objects.get(pk=waiting.pk).status == Status.AWAITING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        as_teacher.post(url)
    assert Training.objects.get(pk=waiting.pk).status == Status.QUEUED


def test_a_decline_needs_a_reason_and_the_student_reads_it(as_teacher, as_student, school, waiting):
    url = reverse("training_decline", args=[school.slug, waiting.pk])
    response = as_teacher.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    as_teacher.post(url, {"reason": "Bitte erst mit 2000 Schritten."})
    detail = as_student.get(reverse("training_detail", args=[school.slug, waiting.pk]))
    assert "Bitte erst mit 2000 Schritten." in detail.content.decode()
    assert Training.objects.get(pk=waiting.pk).status == Status.CANCELLED


def test_a_student_cannot_approve_their_own_training(as_student, school, waiting):
    url = reverse("training_approve", args=[school.slug, waiting.pk])
    assert as_student.post(url).status_code == 403
    assert Training.objects.get(pk=waiting.pk).status == Status.AWAITING_APPROVAL


def test_another_schools_teacher_gets_404(outsider, school, waiting):
    client = client_for(outsider)
    own = reverse("training_approve", args=[outsider.school.slug, waiting.pk])
    assert client.post(own).status_code == 404
    assert client.get(reverse("budget", args=[school.slug])).status_code == 404
    assert Training.objects.get(pk=waiting.pk).status == Status.AWAITING_APPROVAL


def test_a_student_starting_a_costly_training_is_told_it_waits_for_a_teacher(
    as_student, school, fake_modal
):
    BudgetSettings.objects.create(school=school, approval_threshold_eur=Decimal("0.50"))
    response = as_student.post(
        reverse("training_new", args=[school.slug]),
        {"dataset": "edubotics-demo/so101-pick-place", "policy_type": "ACT", "action": "start"},
        follow=True,
    )
    assert "a teacher approves it first" in response.content.decode()
    assert Training.objects.get(school=school).status == Status.AWAITING_APPROVAL
