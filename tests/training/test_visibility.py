"""Who sees which trainings: the subquery filters give exactly what the former DISTINCT joins
gave, on a school with co-teachers, an archived classroom and a student who moved."""

from django.db.models import Q
from django.utils import timezone

from schools.models import Classroom, Enrollment
from tests.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    StudentFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.access import trainings_visible_to
from training.models import Training


def visible_as_before(membership):
    """The filter as it was: joins through classrooms and co-teachers, then DISTINCT."""
    trainings = Training.objects.for_school(membership.school)
    if membership.role == "student":
        return trainings.filter(student=membership)
    if membership.role == "teacher":
        taught = Classroom.objects.for_school(membership.school).filter(
            Q(primary_teacher=membership) | Q(co_teachers=membership)
        )
        return trainings.filter(
            Q(classroom__in=taught)
            | Q(started_by=membership)
            | Q(student__enrollments__classroom__in=taught)
        ).distinct()
    return trainings


def test_it_shows_each_member_what_it_showed_before(school, outsider):
    anna, bernd = TeacherFactory(school=school), TeacherFactory(school=school)
    annas = ClassroomFactory(school=school, primary_teacher=anna)
    shared = ClassroomFactory(school=school, primary_teacher=bernd)
    shared.co_teachers.add(anna)
    archived = ClassroomFactory(school=school, primary_teacher=bernd, archived_at=timezone.now())
    archived.co_teachers.add(anna)
    bernds = ClassroomFactory(school=school, primary_teacher=bernd)
    also_in_shared = EnrollmentFactory(classroom=annas).student
    EnrollmentFactory(classroom=shared, student=also_in_shared)  # two of Anna's classrooms
    in_archived = EnrollmentFactory(classroom=archived).student
    only_bernds = EnrollmentFactory(classroom=bernds).student
    moved = EnrollmentFactory(classroom=bernds).student
    for student, classroom in [
        (also_in_shared, annas),
        (also_in_shared, shared),
        (in_archived, archived),
        (only_bernds, bernds),
        (moved, bernds),
    ]:
        TrainingFactory.create_batch(2, student=student, classroom=classroom)
    Enrollment.objects.filter(student=moved).update(classroom=annas)  # moved to Anna's class
    TrainingFactory(student=only_bernds, classroom=bernds, started_by=anna)  # Anna stood in
    TrainingFactory(student=StudentFactory(school=school), classroom=None)  # in no class
    TrainingFactory.create_batch(
        2, student=outsider.school.membership_set.filter(role="student")[0]
    )
    members = [anna, bernd, AdminFactory(school=school), also_in_shared, moved, outsider]

    for member in members:
        now = list(trainings_visible_to(member).values_list("pk", flat=True))
        assert len(now) == len(set(now)), member  # no training twice, without DISTINCT
        assert set(now) == set(visible_as_before(member).values_list("pk", flat=True)), member
    assert trainings_visible_to(anna).count() == 2 + 2 + 2 + 2 + 1  # not Bernd's own class
