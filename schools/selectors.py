"""Reads, scoped to a school, shaped so a page takes a fixed number of queries."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import classrooms_taught_by
from .models import (
    ApiToken,
    AuditEvent,
    Classroom,
    Enrollment,
    Invitation,
    Membership,
    Role,
    School,
    User,
)


def membership_for_school_slug(*, user: User, slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("school")
        .filter(user=user, school__slug=slug, is_active=True)
        .first()
    )


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("school")
        .order_by("school__name")
    )


def user_signs_in_without_email(*, user: User) -> bool:
    """Students (and only students) sign in with a username and have no address to verify."""
    roles = set(memberships_of_user(user=user).values_list("role", flat=True))
    return roles == {Role.STUDENT}


def classrooms_for_dashboard(
    *, membership: Membership, archived: bool | None = False
) -> QuerySet[Classroom]:
    """The classrooms a member sees on their home page, each with its number of active students:
    the current ones, the archived ones (``archived=True``) or both (``archived=None``)."""
    classrooms = Classroom.objects.for_school(membership.school)
    if archived is not None:
        classrooms = classrooms.filter(archived_at__isnull=not archived)
    if membership.role == Role.TEACHER:
        classrooms = classrooms.filter(
            pk__in=Classroom.objects.filter(classrooms_taught_by(membership)).values("pk")
        )
    elif membership.role == Role.STUDENT:
        classrooms = classrooms.filter(enrollments__student=membership)
    return classrooms.select_related("primary_teacher__user").annotate(
        student_count=Count(
            "enrollments", filter=Q(enrollments__student__is_active=True), distinct=True
        )
    )


def classroom_students(*, classroom: Classroom) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.for_school(classroom.school)
        .filter(classroom=classroom, student__is_active=True)
        .select_related("student__user")
        .order_by("student__user__last_name", "student__user__first_name")
    )


def classroom_student_members(*, classroom: Classroom) -> QuerySet[Membership]:
    """The classroom's active students, for choosing some of them."""
    return (
        Membership.objects.for_school(classroom.school)
        .filter(enrollments__classroom=classroom, is_active=True, role=Role.STUDENT)
        .select_related("user")
    )


def classroom_co_teachers(*, classroom: Classroom) -> list[Membership]:
    return list(
        Membership.objects.for_school(classroom.school)
        .filter(co_classrooms=classroom)
        .select_related("user")
        .order_by("user__last_name")
    )


def school_teachers(*, school: School) -> QuerySet[Membership]:
    """Members who can teach a classroom: active teachers and admins."""
    return (
        Membership.objects.for_school(school)
        .filter(is_active=True, role__in=[Role.TEACHER, Role.ADMIN])
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def school_members(*, school: School, role: str | None = None) -> QuerySet[Membership]:
    members = Membership.objects.for_school(school).select_related("user")
    if role:
        members = members.filter(role=role)
    return members.order_by("-is_active", "role", "user__last_name", "user__first_name")


def pending_invitations(*, school: School) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_school(school)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by__user")
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("school").filter(token=token).first()


def classroom_by_join_code(*, code: str) -> Classroom | None:
    return (
        Classroom.objects.select_related("school")
        .filter(join_code=code.strip().upper(), join_code_enabled=True, archived_at__isnull=True)
        .first()
    )


def students_taught_by(*, membership: Membership) -> QuerySet[Membership]:
    """Active students a teacher (their classrooms) or an admin (the school) can act for."""
    students = Membership.objects.for_school(membership.school).filter(
        role=Role.STUDENT, is_active=True
    )
    if membership.role == Role.TEACHER:
        taught = Classroom.objects.for_school(membership.school).filter(
            classrooms_taught_by(membership)
        )
        students = students.filter(enrollments__classroom__in=taught).distinct()
    return students.select_related("user").order_by("user__last_name", "user__first_name")


def audit_events(
    *, school: School, actor: str = "", action: str = "", since=None, until=None
) -> QuerySet[AuditEvent]:
    """The school's audit log, newest first, filtered (dates are the school's days)."""
    events = AuditEvent.objects.for_school(school)
    tz = zoneinfo.ZoneInfo(school.time_zone)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(
            created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        )
    return events.order_by("-created_at", "-pk")


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at", "-pk"
    )
