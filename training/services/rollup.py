"""The dashboard's history: one row per school and day with the trainings that ended that day.

``training_rollup_add`` is called by the transaction that ends a training, so the row and the
training commit together; ``training_rollup_rebuild`` recounts from the trainings themselves.
GPU inference servers, once they exist, add their hours and cost to the same day's row from the
transaction that stops them, with a function of their own beside ``training_rollup_add``.
"""

import zoneinfo
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from schools.models import School

from ..models import Status, Training, TrainingDay

_COUNTED = {Status.COMPLETED: "completed", Status.FAILED: "failed", Status.CANCELLED: "cancelled"}


def _day(training: Training):
    return timezone.localtime(
        training.completed_at, zoneinfo.ZoneInfo(training.school.time_zone)
    ).date()


def training_rollup_add(*, training: Training) -> None:
    """Adds a training that has just ended (once: its callers end a training only once)."""
    row, _created = TrainingDay.objects.get_or_create(school=training.school, day=_day(training))
    TrainingDay.objects.filter(pk=row.pk).update(
        **{_COUNTED[training.status]: F(_COUNTED[training.status]) + 1},
        gpu_seconds=F("gpu_seconds") + (training.duration_seconds or 0),
        cost_eur=F("cost_eur") + (training.cost_eur or Decimal(0)),
    )


def training_days_recounted(school: School) -> list[TrainingDay]:
    """The rollup's rows as a full recount of the school's ended trainings would make them."""
    rows = (
        Training.objects.for_school(school)
        .filter(status__in=_COUNTED, completed_at__isnull=False)
        .annotate(day=TruncDate("completed_at", tzinfo=zoneinfo.ZoneInfo(school.time_zone)))
        .values("day")
        .annotate(
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            gpu_seconds=Sum("duration_seconds", default=0),
            cost_eur=Sum("cost_eur", default=Decimal(0)),
        )
        .order_by("day")
    )
    return [TrainingDay(school=school, **row) for row in rows]


def training_rollup_rebuild(*, school: School) -> int:
    """Replaces the school's rollup with a recount; returns the number of days."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A training ending meanwhile waits at its rollup update until this commits, and
            # then adds itself: the recount cannot have seen it, so it is counted once.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TrainingDay._meta.db_table} IN EXCLUSIVE MODE")
        TrainingDay.objects.for_school(school).delete()
        return len(TrainingDay.objects.bulk_create(training_days_recounted(school)))
