"""Reads of assignments, scoped to the school, each a fixed number of queries however many
students and hand-ins."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from edubotics.queries import count_subquery
from schools.access import classrooms_taught_by
from schools.models import Classroom, Enrollment, Membership
from training.models import ControlSession, Status, Training

from .access import assignments_visible_to
from .models import Assignment, HandInState, Submission


def assignments_for_member(*, membership: Membership, classroom_id=None) -> QuerySet[Assignment]:
    """Teachers: their classrooms' assignments with how many handed in. Students: the published
    ones of their classrooms, each saying whether they handed in."""
    assignments = assignments_visible_to(membership).select_related("classroom")
    if classroom_id:
        assignments = assignments.filter(classroom_id=classroom_id)
    mine = Submission.objects.filter(assignment=OuterRef("pk"), student=membership)
    # Counted in subqueries: joining hand-ins and enrollments at once would multiply the rows.
    handed_in = Submission.objects.filter(assignment=OuterRef("pk"))
    students = Enrollment.objects.filter(classroom=OuterRef("classroom"), student__is_active=True)
    return assignments.annotate(
        handed_in_count=count_subquery(handed_in, "assignment"),
        student_count=count_subquery(students, "classroom"),
        handed_in_by_me=Exists(mine),
    ).order_by("due_at", "pk")


def hand_ins_to_grade(*, membership: Membership) -> QuerySet[Submission]:
    """The hand-ins of the classrooms the member teaches (an admin's too: not the whole school's,
    which its teachers grade) not yet returned, the oldest first, with what the home page shows
    of them (not the reflections and instructions)."""
    taught = Classroom.objects.for_school(membership.school).filter(
        classrooms_taught_by(membership)
    )
    return (
        Submission.objects.for_school(membership.school)
        .filter(assignment__classroom__in=taught.values("pk"), returned_at=None)
        .select_related("assignment", "student__user")
        .only(
            "handed_in_at",
            "assignment__title",
            "assignment__due_at",
            "student__user__username",
            "student__user__first_name",
            "student__user__last_name",
        )
        .order_by("handed_in_at", "pk")
    )


def open_assignments(*, student: Membership, classroom_id=None) -> QuerySet[Assignment]:
    """What a student still has to hand in (published, nothing handed in yet), soonest due first."""
    return assignments_for_member(membership=student, classroom_id=classroom_id).filter(
        handed_in_by_me=False
    )


@dataclass
class HandInRow:
    student: Membership
    submission: Submission | None
    state: str


def hand_in_overview(*, assignment: Assignment, now=None) -> list[HandInRow]:
    """One row per active student of the classroom: handed in, late, missing (due and nothing there)
    or still open; two queries."""
    now = now or timezone.now()
    enrollments = (
        Enrollment.objects.for_school(assignment.school)
        .filter(classroom_id=assignment.classroom_id, student__is_active=True)
        .select_related("student__user")
        .order_by("student__user__last_name", "student__user__first_name", "pk")
    )
    submissions = {
        s.student_id: s
        for s in Submission.objects.for_school(assignment.school)
        .filter(assignment=assignment)
        .select_related("training")
    }
    rows = []
    for enrollment in enrollments:
        submission = submissions.get(enrollment.student_id)
        if submission:
            submission.assignment = assignment
            state = submission.state
        else:
            state = HandInState.MISSING if assignment.is_past_due(now) else HandInState.OPEN
        rows.append(HandInRow(enrollment.student, submission, state))
    return rows


def submission_of(*, assignment: Assignment, student: Membership) -> Submission | None:
    return (
        Submission.objects.for_school(assignment.school)
        .filter(assignment=assignment, student=student)
        .select_related("training")
        .first()
    )


def trainings_for_assignment(*, assignment: Assignment, student: Membership) -> QuerySet[Training]:
    """The student's trainings started for the assignment, newest first."""
    return (
        Training.objects.for_school(assignment.school)
        .filter(assignment=assignment, student=student)
        .order_by("-created_at", "-pk")
    )


def models_to_hand_in(*, assignment: Assignment, student: Membership) -> QuerySet[Training]:
    return (
        trainings_for_assignment(assignment=assignment, student=student)
        .filter(status=Status.COMPLETED)
        .exclude(hub_model_id="")
    )


def submission_sessions(*, submission: Submission) -> QuerySet[ControlSession]:
    """The student's own AI control sessions with the handed-in model, with their ratings."""
    return (
        ControlSession.objects.for_school(submission.school)
        .filter(training_id=submission.training_id, student_id=submission.student_id)
        .select_related("student__user")
        .order_by("-started_at")
    )


@dataclass
class GradeBook:
    assignments: list[Assignment]
    rows: list[tuple[Membership, list[Submission | None]]]


def grade_book(*, classroom: Classroom) -> GradeBook:
    """The classroom's students × its published assignments; three queries."""
    assignments = list(
        Assignment.objects.for_school(classroom.school)
        .filter(classroom=classroom, published_at__isnull=False)
        .order_by("due_at", "pk")
    )
    submissions = {
        (s.assignment_id, s.student_id): s
        for s in Submission.objects.for_school(classroom.school).filter(
            assignment__in=[a.pk for a in assignments]
        )
    }
    by_pk = {a.pk: a for a in assignments}
    for submission in submissions.values():
        submission.assignment = by_pk[submission.assignment_id]  # its grade shows in its scale
    students = [
        e.student
        for e in Enrollment.objects.for_school(classroom.school)
        .filter(classroom=classroom, student__is_active=True)
        .select_related("student__user")
        .order_by("student__user__last_name", "student__user__first_name", "pk")
    ]
    return GradeBook(
        assignments,
        [(s, [submissions.get((a.pk, s.pk)) for a in assignments]) for s in students],
    )


def classroom_completion(*, classroom: Classroom) -> QuerySet[Assignment]:
    """Per published assignment of the classroom: hand-ins and graded ones, in one query. Counted
    per assignment along the (assignment, student) index, not by joining all the school's hand-ins."""
    handed_in = Submission.objects.filter(assignment=OuterRef("pk"))
    return (
        Assignment.objects.for_school(classroom.school)
        .filter(classroom=classroom, published_at__isnull=False)
        .annotate(
            handed_in_count=count_subquery(handed_in, "assignment"),
            returned_count=count_subquery(
                handed_in.filter(returned_at__isnull=False), "assignment"
            ),
        )
        .order_by("due_at", "pk")
    )
