"""Dashboard numbers: aggregate queries scoped to one school, a fixed number per page whatever the
number of students and trainings. Days and months are the school's (its time zone)."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, Max, Q, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from edubotics.queries import count_subquery
from schools.models import Classroom, Invitation, Membership, Role, School
from schools.services.seats import seat_holders
from training.models import ACTIVE_STATUSES, ControlSession, Status, Training, TrainingDay
from training.selectors import month_start, trainings_counted_this_month

FINISHED = Q(status=Status.COMPLETED) | Q(status=Status.FAILED)


def _tz(school: School):
    return zoneinfo.ZoneInfo(school.time_zone)


def success_rate(completed: int, failed: int) -> float | None:
    """Completed among finished trainings (cancelled ones say nothing about success)."""
    return round(100 * completed / (completed + failed), 1) if completed + failed else None


@dataclass
class DayCount:
    day: date
    completed: int = 0
    failed: int = 0


def daily_counts(
    trainings, school: School, days: int = 30, now: datetime | None = None
) -> list[DayCount]:
    """Completed and failed trainings per day (the day they finished, in the school's time zone)."""
    tz = _tz(school)
    today = timezone.localtime(now or timezone.now(), tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    rows = (
        trainings.filter(FINISHED, completed_at__gte=start)
        .annotate(day=TruncDate("completed_at", tzinfo=tz))
        .values("day")
        .annotate(
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
        )
    )
    by_day = {row["day"]: row for row in rows}
    return [
        DayCount(d, by_day.get(d, {}).get("completed", 0), by_day.get(d, {}).get("failed", 0))
        for d in (first + timedelta(days=n) for n in range(days))
    ]


@dataclass
class StudentRow:
    member: Membership
    total: int
    completed: int
    failed: int
    avg_duration: float | None
    last_activity: datetime | None
    active: list = field(default_factory=list)

    @property
    def success_rate(self):
        return success_rate(self.completed, self.failed)


SORT_KEYS = {
    "name": lambda r: (r.member.user.last_name.lower(), r.member.user.first_name.lower()),
    "total": lambda r: r.total,
    "completed": lambda r: r.completed,
    "failed": lambda r: r.failed,
    "success_rate": lambda r: -1 if r.success_rate is None else r.success_rate,
    "avg_duration": lambda r: -1 if r.avg_duration is None else r.avg_duration,
    "last_activity": lambda r: r.last_activity.timestamp() if r.last_activity else 0,
}


@dataclass
class ClassroomProgress:
    rows: list[StudentRow]
    daily: list[DayCount]
    counted_this_month: int
    school_quota: int

    @property
    def quota_share(self) -> float:
        return (
            round(100 * self.counted_this_month / self.school_quota, 1)
            if self.school_quota
            else 0.0
        )


NO_TRAININGS = {
    "total": 0,
    "completed": 0,
    "failed": 0,
    "avg_duration": None,
    "last_activity": None,
}


def classroom_progress(
    *, classroom: Classroom, sort: str = "name", descending: bool = False, now=None
) -> ClassroomProgress:
    school = classroom.school
    members = (
        Membership.objects.for_school(school)
        .filter(enrollments__classroom=classroom, is_active=True, role=Role.STUDENT)
        .select_related("user")
    )
    trainings = Training.objects.for_school(school).filter(classroom=classroom)
    # Counted from the classroom's trainings, grouped per student, from the (classroom, student)
    # index alone, which carries every column named here (hence status counted, not the id).
    done = Q(status=Status.COMPLETED)
    stats = {
        row.pop("student_id"): row
        for row in trainings.values("student_id").annotate(
            total=Count("status"),
            completed=Count("status", filter=done),
            failed=Count("status", filter=Q(status=Status.FAILED)),
            avg_duration=Avg("duration_seconds", filter=done),
            last_activity=Max("created_at"),
        )
    }
    active: dict[int, list] = {}
    for training in trainings.filter(status__in=ACTIVE_STATUSES).order_by("created_at"):
        active.setdefault(training.student_id, []).append(training)
    rows = [
        StudentRow(member=m, active=active.get(m.pk, []), **stats.get(m.pk, NO_TRAININGS))
        for m in members
    ]
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["name"]), reverse=descending)
    counted = trainings_counted_this_month(school, now).filter(classroom=classroom).count()
    return ClassroomProgress(
        rows, daily_counts(trainings, school, now=now), counted, school.monthly_training_quota
    )


@dataclass
class TrainingStats:
    total: int
    completed: int
    failed: int
    total_duration: int
    avg_duration: float | None
    by_policy: dict[str, int]

    @property
    def success_rate(self):
        return success_rate(self.completed, self.failed)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "completed": self.completed,
            "failed": self.failed,
            "success_rate": self.success_rate,
            "total_duration_seconds": self.total_duration,
            "average_duration_seconds": round(self.avg_duration, 1)
            if self.avg_duration is not None
            else None,
            "by_policy_type": self.by_policy,
        }


def training_stats(*, student: Membership) -> TrainingStats:
    """Per-user training statistics (two queries)."""
    trainings = Training.objects.for_school(student.school).filter(student=student)
    done = Q(status=Status.COMPLETED)
    totals = trainings.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=done),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        total_duration=Sum("duration_seconds", filter=done),
        avg_duration=Avg("duration_seconds", filter=done),
    )
    by_policy = dict(
        trainings.values_list("policy_type").annotate(n=Count("pk")).values_list("policy_type", "n")
    )
    return TrainingStats(
        totals["total"],
        totals["completed"],
        totals["failed"],
        totals["total_duration"] or 0,
        totals["avg_duration"],
        by_policy,
    )


@dataclass
class StudentProgress:
    stats: TrainingStats
    daily: list[DayCount]
    recent: list[Training]  # completed, with their loss curves
    ratings: list[ControlSession]  # how their models did on the robot
    average_rating: float | None


def student_progress(*, student: Membership, now=None) -> StudentProgress:
    trainings = Training.objects.for_school(student.school).filter(student=student)
    recent = list(trainings.filter(status=Status.COMPLETED).order_by("-completed_at")[:6])
    rated = ControlSession.objects.for_school(student.school).filter(
        student=student, rating__isnull=False
    )
    average = rated.aggregate(average=Avg("rating"))["average"]
    ratings = list(rated.select_related("training").order_by("-ended_at")[:10])
    return StudentProgress(
        training_stats(student=student),
        daily_counts(trainings, student.school, now=now),
        recent,
        ratings,
        round(average, 1) if average else None,
    )


@dataclass
class StudentHome:
    active: list[Training]
    quota_left: int


def student_home(*, student: Membership) -> StudentHome:
    school = student.school
    trainings = Training.objects.for_school(school).filter(student=student)
    used = (
        trainings_counted_this_month(school).count()
        + Training.objects.for_school(school).filter(status__in=ACTIVE_STATUSES).count()
    )
    return StudentHome(
        active=list(trainings.filter(status__in=ACTIVE_STATUSES).order_by("created_at")),
        quota_left=max(school.monthly_training_quota - used, 0),
    )


@dataclass
class FirstSteps:
    """A new school's checklist: each step ticks itself off when the school has done it."""

    teacher_invited: bool
    classroom_created: bool
    students_added: bool
    training_started: bool

    @property
    def all_done(self) -> bool:
        return all(vars(self).values())


def _school_facts(school: School, now=None) -> dict:
    """One query for the overview's counts and the first steps: whether the school has a teacher
    (or invited one), a classroom, students and a training."""
    of_school = {"school": school}  # a constant, not OuterRef: each EXISTS uses its index
    return (
        School.objects.filter(pk=school.pk)
        .values(
            seats_used=count_subquery(seat_holders(school), "school"),
            counted_this_month=count_subquery(trainings_counted_this_month(school, now), "school"),
            has_teacher=Exists(Membership.objects.filter(**of_school, role=Role.TEACHER))
            | Exists(Invitation.objects.filter(**of_school)),
            has_classroom=Exists(Classroom.objects.filter(**of_school)),
            has_students=Exists(Membership.objects.filter(**of_school, role=Role.STUDENT)),
            # The first one along the (school, created_at) index: an EXISTS here would let
            # PostgreSQL scan the whole table of a school with a year of trainings.
            first_training=Subquery(
                Training.objects.filter(**of_school).order_by("created_at").values("pk")[:1]
            ),
        )
        .get()
    )


@dataclass
class MonthCost:
    month: date
    gpu_hours: float
    cost_eur: Decimal


@dataclass
class SchoolOverview:
    seats_used: int
    seat_limit: int | None
    counted_this_month: int
    quota: int
    gpu_hours_this_month: float
    cost_this_month: Decimal
    months: list[MonthCost]
    by_policy: dict[str, int]
    completed_this_month: int
    failed_this_month: int
    top_classrooms: list[dict]  # classroom_id, classroom__name, recent
    teachers: list[Membership]
    first_steps: FirstSteps

    @property
    def success_rate(self):
        return success_rate(self.completed_this_month, self.failed_this_month)


def _months_back(start: datetime, count: int) -> list[date]:
    months, current = [], start.date().replace(day=1)
    for _ in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def school_overview(*, school: School, now=None) -> SchoolOverview:
    this_month = month_start(school, now)
    months = _months_back(this_month, 12)
    # The history comes from the per-day rollup: at most 366 rows, whatever the school's age.
    days = TrainingDay.objects.for_school(school).filter(day__gte=months[0])
    per_month = {
        row["month"]: row
        for row in days.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            seconds=Sum("gpu_seconds"),
            cost=Sum("cost_eur"),
            completed=Sum("completed"),
            failed=Sum("failed"),
        )
    }
    month_rows = [
        MonthCost(
            m,
            round((per_month.get(m, {}).get("seconds") or 0) / 3600, 2),
            Decimal(per_month.get(m, {}).get("cost") or 0).quantize(Decimal("0.01")),
        )
        for m in months
    ]
    finished = per_month.get(months[-1], {})
    trainings = Training.objects.for_school(school)
    # Counted from the trainings' side, so the (school, created_at) index bounds the work.
    top = list(
        trainings.filter(created_at__gte=this_month, classroom__archived_at__isnull=True)
        .exclude(classroom=None)
        .values("classroom_id", "classroom__name")
        .annotate(recent=Count("pk"))
        .order_by("-recent", "classroom__name")[:5]
    )
    teachers = list(
        Membership.objects.for_school(school)
        .filter(role__in=[Role.TEACHER, Role.ADMIN], is_active=True)
        .select_related("user")
        .annotate(
            classroom_count=Count(
                "primary_classrooms",
                filter=Q(primary_classrooms__archived_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("user__last_name")
    )
    facts = _school_facts(school, now)
    return SchoolOverview(
        seats_used=facts["seats_used"],
        seat_limit=school.seat_limit,
        counted_this_month=facts["counted_this_month"],
        quota=school.monthly_training_quota,
        gpu_hours_this_month=month_rows[-1].gpu_hours,
        cost_this_month=month_rows[-1].cost_eur,
        months=month_rows,
        by_policy=dict(
            trainings.filter(created_at__gte=this_month)
            .values_list("policy_type")
            .annotate(n=Count("pk"))
            .values_list("policy_type", "n")
        ),
        completed_this_month=finished.get("completed", 0),
        failed_this_month=finished.get("failed", 0),
        top_classrooms=top,
        teachers=teachers,
        first_steps=FirstSteps(
            teacher_invited=facts["has_teacher"],
            classroom_created=facts["has_classroom"],
            students_added=facts["has_students"],
            training_started=facts["first_training"] is not None,
        ),
    )
