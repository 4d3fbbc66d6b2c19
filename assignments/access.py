"""Loading an assignment or a submission by id: scoped to the school, then to the classrooms the
member teaches (teachers) or sits in (students, published assignments only)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from schools.access import classrooms_taught_by, get_or_404
from schools.models import Classroom, Membership, Role

from .models import Assignment, Submission


def assignments_visible_to(membership: Membership) -> QuerySet[Assignment]:
    assignments = Assignment.objects.for_school(membership.school)
    if membership.role == Role.TEACHER:
        taught = Classroom.objects.for_school(membership.school).filter(
            classrooms_taught_by(membership)
        )
        return assignments.filter(classroom__in=taught.values("pk"))
    if membership.role == Role.STUDENT:
        return assignments.filter(
            published_at__isnull=False, classroom__enrollments__student=membership
        )
    return assignments


def access_assignment(*, membership: Membership, assignment_id, for_write=False) -> Assignment:
    assignment = get_or_404(
        assignments_visible_to(membership).select_related("classroom"), assignment_id
    )
    assignment.school = membership.school
    if for_write and membership.role == Role.STUDENT:
        raise PermissionDenied
    return assignment


def access_submission(*, membership: Membership, submission_id, for_write=False) -> Submission:
    """Teachers reach the hand-ins of their classrooms' assignments; a student their own."""
    submissions = Submission.objects.for_school(membership.school).filter(
        assignment__in=assignments_visible_to(membership).values("pk")
    )
    if membership.role == Role.STUDENT:
        submissions = submissions.filter(student=membership)
    submission = get_or_404(
        submissions.select_related("assignment__classroom", "student__user", "training"),
        submission_id,
    )
    submission.school = membership.school
    if for_write and membership.role == Role.STUDENT:
        raise PermissionDenied
    return submission
