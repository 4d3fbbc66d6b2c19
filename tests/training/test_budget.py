"""The school's GPU budget: reservation at the start, settlement at every end, refunds, the
limits and messages, teacher approval, classroom shares and inference server time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from schools.errors import ApplicationError
from schools.models import AuditAction, AuditEvent, School
from tests.concurrently import at_once
from tests.conftest import postgres_only
from tests.factories import (
    ClassroomFactory,
    EnrollmentFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.models import (
    BudgetEntry,
    BudgetSettings,
    ClassroomBudget,
    Status,
    Training,
    TrainingDay,
)
from training.selectors import budget_overview
from training.services.approval import training_approve, training_decline
from training.services.budget import budget_charge_server
from training.services.lifecycle import (
    training_cancel,
    training_fail,
    training_record_event,
    training_retry,
)
from training.services.rollup import training_days_recounted
from training.services.start import training_start

from .conftest import DEMO

Kind = BudgetEntry.Kind


def start(actor, student=None, **kwargs):
    return training_start(
        actor=actor, student=student or actor, dataset=DEMO, policy_type="ACT", **kwargs
    )


def ledger(training) -> list[tuple[str, Decimal]]:
    return list(
        BudgetEntry.objects.filter(training=training)
        .order_by("pk")
        .values_list("kind", "amount_eur")
    )


def net(school) -> Decimal:
    return BudgetEntry.objects.filter(school=school).aggregate(s=Sum("amount_eur"))["s"]


def budget(school, **fields):
    return BudgetSettings.objects.update_or_create(school=school, defaults=fields)[0]


def test_the_package_sets_the_budget_and_staff_can_replace_it(school):
    School.objects.filter(pk=school.pk).update(monthly_training_quota=50)  # Standard
    school.refresh_from_db()
    assert budget_overview(school=school).budget == Decimal("125.00")
    budget(school, monthly_budget_eur=Decimal("40"))
    assert budget_overview(school=school).budget == Decimal("40")


def test_a_completed_training_settles_to_its_actual_cost_and_refunds_the_rest(fake_modal, student):
    training = start(student)  # 6666 steps: 1,453 s estimated on the A100, 0.81 €
    assert ledger(training) == [(Kind.RESERVATION, Decimal("0.81"))]
    training_record_event(training=training, event={"type": "started"})
    training_record_event(training=training, event={"type": "completed", "duration": 900})
    training.refresh_from_db()
    assert training.cost_eur == Decimal("0.50")
    assert ledger(training) == [
        (Kind.RESERVATION, Decimal("0.81")),
        (Kind.REFUND, Decimal("-0.31")),
    ]
    assert net(student.school) == Decimal("0.50")


def test_a_training_that_ran_longer_than_estimated_is_charged_the_difference(fake_modal, student):
    training = start(student)
    training_record_event(training=training, event={"type": "started"})
    training_record_event(training=training, event={"type": "completed", "duration": 3600})
    assert ledger(training)[-1] == (Kind.SETTLEMENT, Decimal("1.19"))
    assert net(student.school) == Decimal("2.00")


def test_a_training_that_failed_before_running_is_refunded_in_full(fake_modal, student):
    training = start(student)
    training_fail(training=training, reason="The dataset vanished.")
    assert ledger(training)[-1] == (Kind.REFUND, Decimal("-0.81"))
    assert net(student.school) == Decimal("0")


def test_a_failed_or_cancelled_run_pays_for_the_time_it_ran(fake_modal, student):
    failed, cancelled = start(student), start(student)
    training_record_event(training=failed, event={"type": "started"})
    training_record_event(training=failed, event={"type": "failed", "duration": 180})
    training_record_event(training=cancelled, event={"type": "started"})
    Training.objects.filter(pk=cancelled.pk).update(started_at=timezone.now() - timedelta(hours=1))
    training_cancel(training=Training.objects.get(pk=cancelled.pk), actor=student)
    assert sum(a for _, a in ledger(failed)) == Decimal("0.10")  # 180 s at 2.00 €/h
    assert sum(a for _, a in ledger(cancelled)) == Decimal("2.00")  # an hour
    # Ending twice (a late report after the cancel) settles nothing more.
    training_record_event(training=cancelled, event={"type": "completed", "duration": 9000})
    assert len(ledger(cancelled)) == 2


def test_a_retried_training_reserves_again(fake_modal, student):
    training = start(student)
    training_fail(training=training, reason="No GPU.")
    training_retry(training=training, staff_label="staff")
    assert [k for k, _ in ledger(training)] == [Kind.RESERVATION, Kind.REFUND, Kind.RESERVATION]
    assert net(student.school) == Decimal("0.81")


def test_a_school_over_its_budget_starts_nothing_and_says_so(fake_modal, student):
    budget(student.school, monthly_budget_eur=Decimal("1.00"))
    start(student)  # 0.81 € of 1.00 €
    with pytest.raises(ApplicationError, match=r"has 0\.19 € left, not enough") as error:
        start(student)
    assert "renews on" in error.value.message
    assert Training.objects.filter(school=student.school).count() == 1


def test_the_admin_limit_per_training_refuses_a_costly_training(fake_modal, student):
    budget(student.school, per_training_limit_eur=Decimal("0.50"))
    with pytest.raises(ApplicationError, match=r"above the school's limit of 0\.50 €"):
        start(student)
    assert start(student, steps=1000).cost_estimate_eur < Decimal("0.50")


def test_a_classroom_share_limits_that_classroom_only(fake_modal, student, classroom, teacher):
    ClassroomBudget.objects.create(
        school=classroom.school, classroom=classroom, monthly_eur=Decimal("1.00")
    )
    start(student)
    with pytest.raises(ApplicationError, match=r"used its share of 1\.00 €"):
        start(teacher, student)
    other = ClassroomFactory(school=classroom.school, primary_teacher=teacher)
    other_student = EnrollmentFactory(classroom=other).student
    assert start(other_student).classroom == other


def test_inference_server_time_is_charged_to_the_budget(school):
    entry = budget_charge_server(school=school, seconds=1800, gpu="T4", note="server 7")
    assert (entry.kind, entry.amount_eur) == (Kind.SERVER_TIME, Decimal("0.28"))
    assert budget_overview(school=school).used == Decimal("0.28")


def test_a_costly_training_of_a_student_waits_for_a_teacher_who_approves_it(
    fake_modal, student, teacher, django_capture_on_commit_callbacks
):
    budget(student.school, approval_threshold_eur=Decimal("0.50"))
    with django_capture_on_commit_callbacks(execute=True):
        training = start(student)
    assert training.status == Status.AWAITING_APPROVAL and not fake_modal.spawns
    assert ledger(training) == [(Kind.RESERVATION, Decimal("0.81"))]  # held while it waits
    with django_capture_on_commit_callbacks(execute=True):
        training_approve(actor=teacher, training=training)
    training.refresh_from_db()
    assert training.status == Status.QUEUED and len(fake_modal.spawns) == 1
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_APPROVED, actor=teacher).exists()
    with pytest.raises(ApplicationError, match="no longer waiting"):
        training_approve(actor=teacher, training=training)


def test_a_declined_training_says_why_and_is_refunded(fake_modal, student, teacher):
    budget(student.school, approval_threshold_eur=Decimal("0.50"))
    training = start(student)
    with pytest.raises(ApplicationError, match="say why"):
        training_decline(actor=teacher, training=training, reason="  ")
    training_decline(actor=teacher, training=training, reason="Too many steps for a first try.")
    training.refresh_from_db()
    assert training.status == Status.CANCELLED
    assert training.error_message.endswith(": Too many steps for a first try.")
    assert net(student.school) == Decimal("0") and not fake_modal.spawns


def test_only_a_teacher_of_the_classroom_decides(fake_modal, student, teacher):
    budget(student.school, approval_threshold_eur=Decimal("0.50"))
    training = start(student)
    stranger = TeacherFactory(school=student.school)
    with pytest.raises(ApplicationError, match="teacher of the training's classroom"):
        training_approve(actor=stranger, training=training)
    with pytest.raises(ApplicationError, match="Only teachers"):
        training_approve(actor=student, training=training)
    assert Training.objects.get(pk=training.pk).status == Status.AWAITING_APPROVAL


def test_a_teacher_starting_a_costly_training_needs_no_approval(fake_modal, student, teacher):
    budget(student.school, approval_threshold_eur=Decimal("0.50"))
    assert start(teacher, student).status != Status.AWAITING_APPROVAL


def test_the_overview_shows_the_average_cost_against_the_target(fake_modal, student):
    for duration in (900, 1800):
        training = start(student)
        training_record_event(training=training, event={"type": "started"})
        training_record_event(training=training, event={"type": "completed", "duration": duration})
    overview = budget_overview(school=student.school)
    assert overview.average_cost == Decimal("0.75") and overview.target == Decimal("2.50")
    assert overview.used == Decimal("1.50") and overview.reserved == Decimal("0")
    # Two reservations of 0.81 €, 0.19 € more for the longer one, 0.31 € back for the shorter.
    assert sum(w.charged for w in overview.weeks) == Decimal("1.81")
    assert sum(w.refunded for w in overview.weeks) == Decimal("0.31")
    # The per-day sums the chart reads are those a recount of the ledger makes.
    kept = TrainingDay.objects.for_school(student.school).order_by("day")
    assert list(kept.values_list("day", "charged_eur", "refunded_eur")) == [
        (day.day, day.charged_eur, day.refunded_eur)
        for day in training_days_recounted(student.school)
    ]


@postgres_only
def test_parallel_starts_never_spend_more_than_the_budget(transactional_db, fake_modal):
    school = SchoolFactory()
    classroom = ClassroomFactory(school=school, primary_teacher=TeacherFactory(school=school))
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(50)]
    School.objects.filter(pk=school.pk).update(
        monthly_training_quota=500, concurrent_training_limit=500, seat_limit=None
    )
    earlier = TrainingFactory(student=students[0], status=Status.COMPLETED)
    BudgetEntry.objects.create(
        school=school, kind=Kind.SETTLEMENT, amount_eur=Decimal("9.40"), training=earlier
    )
    # 10.00 € a month, 9.40 € used: 0.60 € left, each start (100 steps) reserves 0.08 €.
    budget(school, monthly_budget_eur=Decimal("10.00"))
    started, refused = at_once(lambda student: start(student, steps=100), students)
    assert len(started) == 7, refused  # 7 × 0.08 = 0.56 ≤ 0.60 < 8 × 0.08
    assert all("not enough for this training" in message for message in refused)
    assert net(school) == Decimal("9.96")
    assert Training.objects.filter(school=school).exclude(pk=earlier.pk).count() == 7
