"""Every write of assignments: write, publish, reuse; hand in; feedback, grade and return."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.access import classrooms_taught_by
from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Classroom, Membership, Role
from training.models import Status, Training

from .models import Assignment, Grading, Submission

ASSIGNMENT_FIELDS = (
    "title",
    "instructions",
    "datasets",
    "policy_type",
    "max_steps",
    "max_cost_eur",
    "due_at",
    "grading",
    "max_points",
)


def _check_classroom(actor: Membership, classroom: Classroom):
    """Admins and the classroom's teachers write its assignments and grade them."""
    if (
        actor.role == Role.STUDENT
        or classroom.school_id != actor.school_id
        or (
            actor.role == Role.TEACHER
            and not Classroom.objects.filter(classrooms_taught_by(actor), pk=classroom.pk).exists()
        )
    ):
        raise ApplicationError(_("Teachers write assignments for their own classrooms."))
    if classroom.is_archived:
        raise ApplicationError(_("The classroom is archived."), field="classroom")


def _check_grading(fields: dict):
    if fields.get("grading") == Grading.POINTS and not fields.get("max_points"):
        raise ApplicationError(_("Say how many points a student can reach."), field="max_points")


def assignment_create(*, actor: Membership, classroom: Classroom, **fields) -> Assignment:
    """A draft: nobody but the classroom's teachers sees it until it is published."""
    _check_classroom(actor, classroom)
    _check_grading(fields)
    return Assignment.objects.create(
        school=classroom.school, classroom=classroom, created_by=actor, **fields
    )


def assignment_update(*, actor: Membership, assignment: Assignment, **fields) -> Assignment:
    _check_classroom(actor, assignment.classroom)
    _check_grading(fields)
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=list(fields))
    return assignment


@transaction.atomic
def assignment_publish(*, actor: Membership, assignment: Assignment) -> Assignment:
    _check_classroom(actor, assignment.classroom)
    if assignment.is_published:
        raise ApplicationError(_("This assignment is already published."))
    assignment.published_at = timezone.now()
    assignment.save(update_fields=["published_at"])
    audit_record(
        school=assignment.school,
        action=AuditAction.ASSIGNMENT_PUBLISHED,
        actor=actor,
        target=assignment,
        data={"title": assignment.title, "classroom": assignment.classroom.name},
    )
    return assignment


def assignment_reuse(
    *, actor: Membership, assignment: Assignment, classroom: Classroom, due_at
) -> Assignment:
    """The same task as a new draft for another (or the same) classroom, with its own due date."""
    fields = {name: getattr(assignment, name) for name in ASSIGNMENT_FIELDS} | {"due_at": due_at}
    return assignment_create(actor=actor, classroom=classroom, **fields)


@transaction.atomic
def submission_hand_in(
    *, actor: Membership, assignment: Assignment, training: Training, reflection: str = ""
) -> Submission:
    """The student's model for the assignment; handing in again replaces it until it is returned."""
    if actor.role != Role.STUDENT or training.student_id != actor.pk:
        raise ApplicationError(_("Students hand in their own models."))
    if not assignment.is_published:
        raise ApplicationError(_("This assignment is not published yet."))
    if (
        training.assignment_id != assignment.pk
        or training.status != Status.COMPLETED
        or not training.hub_model_id
    ):
        raise ApplicationError(
            _("Hand in a finished model you trained for this assignment."), field="training"
        )
    submission = (
        Submission.objects.select_for_update().filter(assignment=assignment, student=actor).first()
    )
    if submission and submission.returned_at:
        raise ApplicationError(_("Your teacher has already returned this assignment."))
    submission = submission or Submission(
        school=assignment.school, assignment=assignment, student=actor
    )
    submission.training = training
    submission.reflection = reflection.strip()
    submission.handed_in_at = timezone.now()
    submission.save()
    audit_record(
        school=assignment.school,
        action=AuditAction.ASSIGNMENT_HANDED_IN,
        actor=actor,
        target=submission,
        data={"assignment": assignment.title, "late": submission.is_late},
    )
    return submission


def _checked_grade(assignment: Assignment, grade: Decimal | None, passed: bool | None):
    if assignment.grading == Grading.PASS_FAIL:
        if passed is None:
            raise ApplicationError(_("Say whether the assignment is passed."), field="passed")
        return None, passed
    if grade is None:
        raise ApplicationError(_("Give a grade."), field="grade")
    if assignment.grading == Grading.GERMAN and not Decimal(1) <= grade <= Decimal(6):
        raise ApplicationError(_("A German grade lies between 1 and 6."), field="grade")
    if assignment.grading == Grading.POINTS and not 0 <= grade <= (assignment.max_points or 0):
        raise ApplicationError(
            _("Points lie between 0 and %(max)d.") % {"max": assignment.max_points or 0},
            field="grade",
        )
    return grade, None


@transaction.atomic
def submission_grade(
    *,
    actor: Membership,
    submission: Submission,
    feedback: str,
    grade: Decimal | None = None,
    passed: bool | None = None,
) -> Submission:
    """Feedback and grade, returned to the student (who reads them from then on)."""
    assignment = submission.assignment
    _check_classroom(actor, assignment.classroom)
    submission.grade, submission.passed = _checked_grade(assignment, grade, passed)
    submission.feedback = feedback.strip()
    submission.graded_by = actor
    submission.returned_at = timezone.now()
    submission.save(update_fields=["grade", "passed", "feedback", "graded_by", "returned_at"])
    audit_record(
        school=submission.school,
        action=AuditAction.ASSIGNMENT_GRADED,
        actor=actor,
        target=submission,
        data={"assignment": assignment.title, "grade": submission.grade_display},
    )
    return submission
