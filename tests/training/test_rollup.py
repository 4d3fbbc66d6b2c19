"""The dashboard's per-day rollup stays equal to a recount of the trainings, whichever way and
however often trainings end; the command rebuilds it."""

import random
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from schools.errors import ApplicationError
from tests.concurrently import at_once
from tests.conftest import postgres_only
from tests.factories import ClassroomFactory, EnrollmentFactory, TrainingFactory
from training.models import Status, Training, TrainingDay
from training.services.lifecycle import training_cancel, training_fail, training_record_event
from training.services.rollup import training_days_recounted, training_rollup_rebuild

FIELDS = (
    "day",
    "completed",
    "failed",
    "cancelled",
    "gpu_seconds",
    "cost_eur",
    "charged_eur",
    "refunded_eur",
)


def rollup(school):
    return [
        tuple(getattr(row, f) for f in FIELDS)
        for row in TrainingDay.objects.for_school(school).order_by("day")
    ]


def recount(school):
    return [tuple(getattr(row, f) for f in FIELDS) for row in training_days_recounted(school)]


def imported(student, classroom, days_ago):
    """A finished training written in bulk, as an import writes them (no service involved)."""
    at = timezone.now() - timedelta(days=days_ago)
    return Training(
        school=student.school,
        student=student,
        classroom=classroom,
        model_name=f"import-{days_ago}",
        dataset="a/b",
        policy_type="ACT",
        status=Status.COMPLETED,
        started_at=at - timedelta(hours=1),
        completed_at=at,
        duration_seconds=3600,
        cost_eur=Decimal("1.20"),
    )


def end_at_random(rng, training):
    """One runner report, timeout or cancel, as they arrive: some late, some twice."""
    action = rng.choice(["completed", "failed", "timeout", "cancel"])
    if action in ("completed", "failed"):
        event = {"type": action, "duration": rng.randint(60, 7200), "error": "OOM"}
        return training_record_event(training=training, event=event)
    if action == "timeout":
        return training_fail(training=training, reason="too long")
    try:
        return training_cancel(training=training, staff_label="Support")
    except ApplicationError:  # it had ended already
        return training


def test_the_rollup_is_a_recount_after_random_ends_cancels_retries_and_imports(classroom, outsider):
    rng = random.Random(12)
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(3)]
    now = timezone.now()
    trainings = [
        TrainingFactory(
            student=rng.choice(students),
            classroom=classroom,
            status=rng.choice([Status.PENDING, Status.QUEUED, Status.RUNNING]),
            started_at=rng.choice([None, now - timedelta(minutes=30)]),
        )
        for _ in range(40)
    ]
    TrainingFactory(student=outsider.school.membership_set.get(role="student"))  # never ends
    for training in trainings[:25]:
        end_at_random(rng, Training.objects.get(pk=training.pk))
    for training in rng.sample(trainings[:25], 10):  # retried and repeated reports
        end_at_random(rng, Training.objects.get(pk=training.pk))
    Training.objects.bulk_create(imported(students[0], classroom, n) for n in (1, 40, 400))
    training_rollup_rebuild(school=classroom.school)  # what an import does after writing
    for training in trainings[25:]:
        end_at_random(rng, Training.objects.get(pk=training.pk))

    assert rollup(classroom.school) == recount(classroom.school)
    assert sum(day[1] + day[2] + day[3] for day in rollup(classroom.school)) == 40 + 3
    assert rollup(outsider.school) == []


def test_the_command_rebuilds_a_rollup_that_went_wrong(classroom):
    student = EnrollmentFactory(classroom=classroom).student
    Training.objects.bulk_create(imported(student, classroom, n) for n in (0, 2, 2))
    TrainingDay.objects.create(school=classroom.school, day=timezone.localdate(), failed=9)

    out = StringIO()
    call_command("rebuild_rollup", school=classroom.school.slug, stdout=out)

    assert out.getvalue() == f"{classroom.school.slug}: 2 days\n"
    assert rollup(classroom.school) == recount(classroom.school)
    assert [(day[1], day[4]) for day in rollup(classroom.school)] == [(2, 7200), (1, 3600)]


@postgres_only
def test_trainings_ending_at_once_are_all_counted(transactional_db):
    """Ten runners report at the same moment, on a day the rollup has no row for yet."""
    classroom = ClassroomFactory()
    student = EnrollmentFactory(classroom=classroom).student
    running = [
        TrainingFactory(student=student, status=Status.RUNNING, started_at=timezone.now())
        for _ in range(10)
    ]
    _recorded, refused = at_once(
        lambda training: training_record_event(
            training=training, event={"type": "completed", "duration": 60}
        ),
        running,
    )
    assert refused == []
    assert [(day[1], day[4]) for day in rollup(classroom.school)] == [(10, 600)]
