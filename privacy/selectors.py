"""Reads of the privacy app, scoped to a school."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q, QuerySet

from schools.access import classrooms_taught_by
from schools.models import Classroom, Membership, Role, School

from . import registry
from .models import DataExport, ErasureRequest, LegalPage, RetentionNotice


def school_admins(*, school: School) -> QuerySet[Membership]:
    return Membership.objects.for_school(school).filter(role=Role.ADMIN, is_active=True)


def exports_for(*, membership: Membership) -> QuerySet[DataExport]:
    """Admins see every export of the school; a teacher the ones they asked for."""
    exports = DataExport.objects.for_school(membership.school).select_related(
        "subject__user", "requested_by__user"
    )
    if not membership.is_admin:
        exports = exports.filter(requested_by=membership)
    return exports[:50]


def erasure_requests(*, school: School) -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.for_school(school).select_related(
        "member__user", "requested_by__user"
    )


def students_for(*, membership: Membership) -> QuerySet[Membership]:
    """The students a member may ask an export for: all of the school's for an admin, those of
    their classrooms for a teacher."""
    students = Membership.objects.for_school(membership.school).filter(role=Role.STUDENT)
    if not membership.is_admin:
        taught = Classroom.objects.for_school(membership.school).filter(
            classrooms_taught_by(membership)
        )
        students = students.filter(enrollments__classroom__in=taught).distinct()
    return students.select_related("user").order_by("user__last_name", "user__first_name")


def legal_page(*, kind: str, language: str) -> LegalPage | None:
    """The page in the visitor's language, else in the other one."""
    pages = {page.language: page for page in LegalPage.objects.filter(kind=kind)}
    return pages.get(language[:2]) or pages.get("de") or pages.get("en")


def retention_due(*, school: School, until: datetime) -> list[tuple[Membership, datetime]]:
    """Students whose data is due for erasure by ``until``, with the date it is due: the
    school's retention period after they left, or after their last classroom was archived."""
    period = relativedelta(months=school.retention_months)
    cutoff = until - period
    students = (
        Membership.objects.for_school(school)
        .filter(role=Role.STUDENT)
        .annotate(
            classrooms=Count("enrollments"),
            open_classrooms=Count(
                "enrollments", filter=Q(enrollments__classroom__archived_at__isnull=True)
            ),
            last_archived=Max("enrollments__classroom__archived_at"),
        )
        .filter(
            Q(is_active=False, left_at__lte=cutoff)
            | Q(is_active=True, classrooms__gt=0, open_classrooms=0, last_archived__lte=cutoff)
        )
        .select_related("user", "school")
        .order_by("pk")
    )
    return [(s, (s.left_at if not s.is_active else s.last_archived) + period) for s in students]


def retention_notices(*, school: School) -> dict[int, object]:
    """Member id → the erasure date the admins were told about."""
    return dict(RetentionNotice.objects.for_school(school).values_list("member_id", "due_on"))


def erasure_summary(*, member: Membership) -> tuple[dict[str, int], list[str]]:
    """What an erasure touches, table by table, and the member's models on the Hub (the
    confirmation names both)."""
    tables: dict[str, list[dict]] = {}
    registry.export_member(member, tables)
    counts = {table: len(rows) for table, rows in tables.items() if rows}
    models = [row["hub_model"] for row in tables.get("trainings", []) if row.get("hub_model")]
    return counts, models
