"""The only way views load a tenant object by id.

Not in the acting member's school, or a classroom the teacher does not teach: 404, the same answer
as "does not exist". In the school but the role is too low: 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import ApiToken, Classroom, Invitation, Membership, Role, StudentImport

RANK = {Role.STUDENT: 0, Role.TEACHER: 1, Role.ADMIN: 2}


def role_required(role: Role):
    """View decorator: the member's role must be at least ``role`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if RANK[request.membership.role] < RANK[role]:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def classrooms_taught_by(membership: Membership):
    return Q(primary_teacher=membership) | Q(co_teachers=membership)


def access_classroom(*, membership: Membership, classroom_id, for_write=False) -> Classroom:
    classrooms = Classroom.objects.for_school(membership.school).select_related(
        "primary_teacher__user"
    )
    if membership.role == Role.TEACHER:
        classrooms = classrooms.filter(classrooms_taught_by(membership)).distinct()
    elif membership.role == Role.STUDENT:
        classrooms = classrooms.filter(enrollments__student=membership)
    classroom = get_or_404(classrooms, classroom_id)
    classroom.school = membership.school  # same row; saves a query on every page
    if for_write and membership.role == Role.STUDENT:
        raise PermissionDenied
    return classroom


def access_member(*, membership: Membership, member_id, for_write=False) -> Membership:
    """Admins reach every member; teachers the students of their classrooms; students themselves."""
    members = Membership.objects.for_school(membership.school).select_related("user")
    if membership.role == Role.TEACHER:
        taught = Classroom.objects.for_school(membership.school).filter(
            classrooms_taught_by(membership)
        )
        members = members.filter(
            Q(pk=membership.pk) | Q(role=Role.STUDENT, enrollments__classroom__in=taught)
        ).distinct()
    elif membership.role == Role.STUDENT:
        members = members.filter(pk=membership.pk)
    member = get_or_404(members, member_id)
    member.school = membership.school
    if for_write and membership.role == Role.STUDENT:
        raise PermissionDenied
    return member


def access_invitation(*, membership: Membership, invitation_id) -> Invitation:
    if membership.role != Role.ADMIN:
        raise PermissionDenied
    return get_or_404(Invitation.objects.for_school(membership.school), invitation_id)


def access_api_token(*, membership: Membership, api_token_id) -> ApiToken:
    """One of the member's own tokens (a token is a person's, whichever school they act in)."""
    return get_or_404(ApiToken.objects.filter(user=membership.user), api_token_id)


def access_student_import(*, membership: Membership, import_id) -> StudentImport:
    """Only the teacher who started an import sees it: it carries the new passwords."""
    return get_or_404(
        StudentImport.objects.for_school(membership.school).filter(started_by=membership),
        import_id,
    )
