"""The dashboard's history: one row per school and day with the trainings that ended that day.

``training_rollup_add`` is called by the transaction that ends a training, so the row and the
training commit together; ``training_rollup_rebuild`` recounts from the trainings themselves.
Inference servers add their GPU seconds and cost to the row of the day they stopped, from the
transaction that ends them (``server_rollup_add``); they count as no training. The GPU ledger's
entries add their charge or refund to the day they were made, from the transaction that makes
them (``ledger_rollup_add``), for the budget page's chart. The rebuild also
recounts the library's session sums on the models' rows (``model_sessions_recount``), which
opening and rating a session keep (training.services.sessions).
"""

import zoneinfo
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from schools.models import School

from ..models import (
    BudgetEntry,
    ControlSession,
    InferenceServer,
    ServerStatus,
    Status,
    Training,
    TrainingDay,
)
from .sessions import RATED_A_SUCCESS

_COUNTED = {Status.COMPLETED: "completed", Status.FAILED: "failed", Status.CANCELLED: "cancelled"}


def _add(school: School, moment, **amounts) -> None:
    day = timezone.localtime(moment, zoneinfo.ZoneInfo(school.time_zone)).date()
    row, _created = TrainingDay.objects.get_or_create(school=school, day=day)
    TrainingDay.objects.filter(pk=row.pk).update(
        **{name: F(name) + amount for name, amount in amounts.items()}
    )


def training_rollup_add(*, training: Training) -> None:
    """Adds a training that has just ended (once: its callers end a training only once)."""
    _add(
        training.school,
        training.completed_at,
        gpu_seconds=training.duration_seconds or 0,
        cost_eur=training.cost_eur or Decimal(0),
        **{_COUNTED[training.status]: 1},
    )


def _server_seconds(server: InferenceServer) -> int:
    return int((server.stopped_at - server.created_at).total_seconds())


def server_rollup_add(*, server: InferenceServer) -> None:
    """Adds a server that has just ended (once: it ends once) to the day it stopped."""
    _add(
        server.school,
        server.stopped_at,
        gpu_seconds=_server_seconds(server),
        cost_eur=server.cost_eur or Decimal(0),
    )


def ledger_rollup_add(*, entry: BudgetEntry) -> None:
    """Adds a GPU ledger entry just made (from its transaction) to the day it was made."""
    _add(
        entry.school,
        entry.created_at,
        charged_eur=max(entry.amount_eur, Decimal(0)),
        refunded_eur=max(-entry.amount_eur, Decimal(0)),
    )


def training_days_recounted(school: School) -> list[TrainingDay]:
    """The rollup's rows as a full recount of the school's ended trainings, ended servers and
    ledger would make them."""
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
    days = {row["day"]: TrainingDay(school=school, **row) for row in rows}
    ended = InferenceServer.objects.for_school(school).filter(
        status__in=(ServerStatus.STOPPED, ServerStatus.ERROR), stopped_at__isnull=False
    )
    for server in ended.only("created_at", "stopped_at", "cost_eur"):
        day = timezone.localtime(server.stopped_at, zoneinfo.ZoneInfo(school.time_zone)).date()
        row = days.setdefault(day, TrainingDay(school=school, day=day, cost_eur=Decimal(0)))
        row.gpu_seconds += _server_seconds(server)
        row.cost_eur += server.cost_eur or Decimal(0)
    ledger = (
        BudgetEntry.objects.for_school(school)
        .annotate(day=TruncDate("created_at", tzinfo=zoneinfo.ZoneInfo(school.time_zone)))
        .values("day")
        .annotate(
            charged=Sum("amount_eur", filter=Q(amount_eur__gt=0), default=Decimal(0)),
            refunded=Sum("amount_eur", filter=Q(amount_eur__lt=0), default=Decimal(0)),
        )
        .order_by("day")
    )
    for entries in ledger:
        day = entries["day"]
        row = days.setdefault(day, TrainingDay(school=school, day=day, cost_eur=Decimal(0)))
        row.charged_eur, row.refunded_eur = entries["charged"], -entries["refunded"]
    return [days[day] for day in sorted(days)]


def model_sessions_recount(*, school: School) -> int:
    """Sums up each model's control sessions on its row again (what opening and rating a session
    keeps), for the models with sessions or with sums; returns how many rows were written."""
    sessions = ControlSession.objects.for_school(school).filter(training=OuterRef("pk"))

    def total(aggregate, **only):
        summed = (
            sessions.filter(**only).values("training").annotate(value=aggregate).values("value")
        )
        return Coalesce(Subquery(summed), 0)

    return (
        Training.objects.for_school(school)
        .filter(Q(pk__in=sessions.values("training")) | Q(session_count__gt=0))
        .update(
            session_count=total(Count("pk")),
            rated_count=total(Count("pk"), rating__isnull=False),
            success_count=total(Count("pk"), rating__gte=RATED_A_SUCCESS),
            rating_total=total(Sum("rating")),
            average_rating=Subquery(
                sessions.values("training").annotate(value=Avg("rating")).values("value")
            ),
        )
    )


def training_rollup_rebuild(*, school: School) -> int:
    """Replaces the school's rollup with a recount, and recounts its models' sessions; returns
    the number of days."""
    model_sessions_recount(school=school)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A training ending meanwhile waits at its rollup update until this commits, and
            # then adds itself: the recount cannot have seen it, so it is counted once.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TrainingDay._meta.db_table} IN EXCLUSIVE MODE")
        TrainingDay.objects.for_school(school).delete()
        return len(TrainingDay.objects.bulk_create(training_days_recounted(school)))
