"""Reads of trainings, shaped so a page or API response takes a fixed number of queries."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from schools.models import Classroom, Membership, School
from schools.selectors import students_taught_by

from .access import trainings_visible_to
from .demo_dataset import DEMO_REPO_ID
from .models import (
    ACTIVE_SERVER_STATUSES,
    ACTIVE_STATUSES,
    EUR_PER_TRAINING,
    LIBRARY,
    NO_LOSS,
    BudgetEntry,
    BudgetSettings,
    ControlSession,
    InferenceServer,
    Status,
    Training,
    TrainingDay,
)


def active_trainings() -> QuerySet[Training]:
    """Every school's active trainings, for the poller (a system task, not a member's view)."""
    return Training.objects.filter(status__in=ACTIVE_STATUSES).select_related("school")


def active_servers() -> QuerySet[InferenceServer]:
    """Every school's active inference servers, for the follower (a system task)."""
    return InferenceServer.objects.filter(status__in=ACTIVE_SERVER_STATUSES).select_related(
        "school"
    )


def servers_for_member(*, membership: Membership) -> QuerySet[InferenceServer]:
    """The servers of the models the member may see, newest first."""
    return (
        InferenceServer.objects.for_school(membership.school)
        .filter(training__in=trainings_visible_to(membership).values("pk"))
        .select_related("training", "started_by__user")
        .order_by("-created_at", "-pk")
    )


def current_server(*, membership: Membership, training: Training) -> InferenceServer | None:
    """The member's latest server for this model (running, or why it stopped), for the panel."""
    return (
        InferenceServer.objects.for_school(membership.school)
        .filter(training=training, started_by=membership)
        .order_by("-created_at", "-pk")
        .first()
    )


def server_for_callback(*, server_id) -> InferenceServer:
    """Like ``training_for_callback``: the report's signature, made with the server's own
    secret, is what scopes this lookup."""
    try:
        return InferenceServer.objects.select_related("school").get(pk=server_id)
    except InferenceServer.DoesNotExist:
        raise Http404 from None


def known_datasets(*, school: School, limit: int = 50) -> list[str]:
    """The datasets the new-training form offers: the demo dataset, then those trained on in the
    school (one query)."""
    used = (
        Training.objects.for_school(school)
        .order_by("dataset")
        .values_list("dataset", flat=True)
        .distinct()[:limit]
    )
    return list(dict.fromkeys([DEMO_REPO_ID, *used]))


def trainings_for_member(
    *, membership: Membership, classroom_id=None, student_id=None
) -> QuerySet[Training]:
    trainings = trainings_visible_to(membership)
    if classroom_id:
        trainings = trainings.filter(classroom_id=classroom_id)
    if student_id:
        trainings = trainings.filter(student_id=student_id)
    return trainings.select_related("student__user", "classroom").order_by("-created_at", "-pk")


def running_trainings(*, membership: Membership) -> QuerySet[Training]:
    """The trainings the member can see that are queued or on a GPU now, the oldest first."""
    return (
        trainings_visible_to(membership)
        .filter(status__in=(Status.PENDING, Status.QUEUED, Status.RUNNING))
        .select_related("student__user", "classroom")
        .order_by("created_at", "pk")
    )


def models_of_user(*, membership: Membership) -> QuerySet[Training]:
    """The member's completed models (a student's own; staff: those they can see)."""
    return trainings_visible_to(membership).filter(LIBRARY).order_by("-completed_at")


# The library's sorts: a keyset ordering each, ending in the primary key so pages never overlap
# (each but the newest has its index, Training.Meta).
LIBRARY_SORTS = {
    "newest": ("-completed_at", "-pk"),
    "loss": ("final_loss", "-pk"),
    "rating": ("-rating_order", "-pk"),
    "sessions": ("-session_count", "-pk"),
}


def model_library(
    *,
    membership: Membership,
    classroom_id=None,
    student_id=None,
    policy_type: str = "",
) -> QuerySet[Training]:
    """The finished models the member may see, each with its control sessions summed up on its
    row (one query per page that reads only the page's rows, whatever the number of sessions)."""
    models = models_of_user(membership=membership)
    if classroom_id:
        models = models.filter(classroom_id=classroom_id)
    if student_id:
        models = models.filter(student_id=student_id)
    if policy_type:
        models = models.filter(policy_type=policy_type)
    return models.select_related("student__user", "classroom").annotate(
        # Sort keys without NULLs, which a keyset cannot compare: unrated sorts last.
        rating_order=Coalesce("average_rating", 0.0),
        final_loss=Coalesce("latest_loss", NO_LOSS),
    )


def model_sessions(*, training: Training) -> QuerySet[ControlSession]:
    """A model's control sessions with who ran them, newest first."""
    return (
        ControlSession.objects.for_school(training.school)
        .filter(training=training)
        .select_related("student__user")
        .order_by("-started_at")
    )


def ratings_by_student(*, membership: Membership, classroom_id=None) -> QuerySet[Membership]:
    """Per student the member may see: control sessions, ratings given and their average."""
    students = students_taught_by(membership=membership)
    if classroom_id:
        students = students.filter(enrollments__classroom_id=classroom_id)
    return students.annotate(
        session_count=Count("control_sessions", distinct=True),
        rated_count=Count(
            "control_sessions", filter=Q(control_sessions__rating__isnull=False), distinct=True
        ),
        average_rating=Avg("control_sessions__rating"),
    )


def stale_control_sessions(*, opened_before: datetime) -> QuerySet[ControlSession]:
    """Every school's sessions still open since before then, for the beat task."""
    return ControlSession.objects.filter(ended_at__isnull=True, started_at__lt=opened_before)


def training_for_signed_link(*, training_id) -> Training:
    """A download link names the training; its signature (checked by the caller) proves the
    platform made it for a member who could see that training."""
    try:
        return Training.objects.get(pk=training_id)
    except Training.DoesNotExist:
        raise Http404 from None


def training_for_callback(*, training_id) -> Training:
    """The runner knows only the training's id; its signature (checked by the caller) proves
    it holds the training's own secret, which is what scopes this lookup."""
    try:
        return Training.objects.select_related("school").get(pk=training_id)
    except Training.DoesNotExist:
        raise Http404 from None


def control_sessions_for_member(
    *, membership: Membership, training_id=None
) -> QuerySet[ControlSession]:
    visible = trainings_visible_to(membership).values("pk")
    sessions = ControlSession.objects.for_school(membership.school).filter(training__in=visible)
    if training_id:
        sessions = sessions.filter(training_id=training_id)
    return sessions.order_by("-started_at")


def month_start(school: School, now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(school.time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(school: School, now: datetime | None = None) -> datetime:
    start = month_start(school, now)
    return (start + timedelta(days=32)).replace(day=1)


def trainings_counted_this_month(school: School, now: datetime | None = None):
    """What counts against the quota: trainings that ran (completed, or cancelled after they
    started running). Failed ones and ones cancelled before they ran do not."""
    return Training.objects.for_school(school).filter(
        Q(status=Status.COMPLETED) | Q(status=Status.CANCELLED, started_at__isnull=False),
        started_at__gte=month_start(school, now),
    )


def trainings_left_this_month(school: School) -> int:
    """What a new training may still use of the month's quota (waiting and running ones count)."""
    used = trainings_counted_this_month(school).count()
    active = Training.objects.for_school(school).filter(status__in=ACTIVE_STATUSES).count()
    return max(0, school.monthly_training_quota - used - active)


def budget_settings_of(school: School) -> BudgetSettings:
    """The school's budget settings; the defaults (unsaved) until an admin changes them."""
    return BudgetSettings.objects.for_school(school).first() or BudgetSettings(school=school)


@dataclass
class BudgetWeek:
    label: str
    charged: Decimal
    refunded: Decimal


@dataclass
class BudgetOverview:
    settings: BudgetSettings
    budget: Decimal
    used: Decimal
    reserved: Decimal  # of ``used``: what running or waiting trainings hold
    trainings: int  # settled this month
    average_cost: Decimal | None
    weeks: list[BudgetWeek]
    target = EUR_PER_TRAINING

    @property
    def left(self) -> Decimal:
        return self.budget - self.used

    @property
    def percent_used(self) -> int:
        return min(100, round(100 * self.used / self.budget)) if self.budget else 100


def budget_overview(*, school: School, weeks: int = 12, now: datetime | None = None):
    """The month's budget, what is used and held, the average cost of a settled training, and
    charges and refunds per week (oldest first): a fixed number of queries."""
    settings = budget_settings_of(school)
    entries = BudgetEntry.objects.for_school(school)
    since = month_start(school, now)
    held = (
        entries.filter(training__status__in=ACTIVE_STATUSES, kind=BudgetEntry.Kind.RESERVATION)
        .filter(created_at__gte=since)
        .aggregate(held=Sum("amount_eur", default=Decimal(0)))
    )
    settled = Training.objects.for_school(school).filter(
        completed_at__gte=since, cost_eur__isnull=False
    )
    average = settled.aggregate(n=Count("pk"), average=Avg("cost_eur"))
    today = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(school.time_zone)).date()
    first_week = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    # From the per-day sums the ledger keeps: a few dozen rows, however busy the school.
    days = TrainingDay.objects.for_school(school).filter(
        day__range=(min(first_week, since.date()), today)
    )
    used = Decimal(0)
    sums = {first_week + timedelta(weeks=index): [Decimal(0), Decimal(0)] for index in range(weeks)}
    for day, charged, refunded in days.values_list("day", "charged_eur", "refunded_eur"):
        if day >= since.date():
            used += charged - refunded
        if week := sums.get(day - timedelta(days=day.weekday())):
            week[0] += charged
            week[1] += refunded
    rows = [
        BudgetWeek(label=monday.strftime("%d.%m."), charged=charged, refunded=refunded)
        for monday, (charged, refunded) in sums.items()
    ]
    average_cost = average["average"]
    return BudgetOverview(
        settings=settings,
        budget=settings.monthly_budget(),
        used=used,
        reserved=held["held"],
        trainings=average["n"],
        average_cost=average_cost.quantize(Decimal("0.01")) if average_cost is not None else None,
        weeks=rows,
    )


def budget_entries(*, school: School) -> QuerySet[BudgetEntry]:
    """The ledger, newest first (paged by keyset), with only what its lines show of a training
    (not its loss curve and log)."""
    return (
        BudgetEntry.objects.for_school(school)
        .select_related("training__student__user", "classroom")
        .only(
            "kind",
            "amount_eur",
            "note",
            "created_at",
            "training__model_name",
            "training__student__user__first_name",
            "training__student__user__last_name",
            "classroom__name",
        )
        .order_by("-created_at", "-pk")
    )


def trainings_awaiting_approval(*, membership: Membership) -> QuerySet[Training]:
    """The teacher's queue: trainings of their classrooms' students waiting for a decision."""
    return (
        trainings_visible_to(membership)
        .filter(status=Status.AWAITING_APPROVAL)
        .select_related("student__user", "classroom")
        .order_by("created_at", "pk")
    )


def classrooms_with_budget(*, school: School) -> QuerySet[Classroom]:
    """The school's classrooms in use, each with its share of the budget (or none)."""
    return (
        Classroom.objects.for_school(school)
        .filter(archived_at__isnull=True)
        .select_related("budget")
        .order_by("name")
    )
