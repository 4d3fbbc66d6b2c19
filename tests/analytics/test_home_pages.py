"""The home pages show what needs the member: a teacher's running trainings and hand-ins to
grade, a student's models and statistics, a new school's first steps."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import Submission
from tests.conftest import client_for
from tests.factories import (
    AdminFactory,
    AssignmentFactory,
    ClassroomFactory,
    EnrollmentFactory,
    InvitationFactory,
    SchoolFactory,
    TrainingFactory,
)
from training.models import Status

# session, user, membership, classrooms (current and archived), switcher, trainings awaiting
# approval, running trainings, hand-ins to grade
TEACHER_HOME_QUERIES = 8


def hand_in(assignment, student):
    training = TrainingFactory(student=student, classroom=assignment.classroom, status="completed")
    return Submission.objects.create(
        school=student.school,
        assignment=assignment,
        student=student,
        training=training,
        handed_in_at=timezone.now(),
    )


@pytest.mark.parametrize("size", [2, 20])
def test_a_teacher_sees_running_trainings_and_hand_ins_to_grade_of_their_classes_only(
    teacher, classroom, outsider, size, django_assert_num_queries
):
    assignment = AssignmentFactory(classroom=classroom, title="Würfel greifen")
    for n in range(size):
        student = EnrollmentFactory(
            classroom=classroom, student__user__last_name=f"Kind{n}"
        ).student
        TrainingFactory(student=student, classroom=classroom, status=Status.RUNNING)
        hand_in(assignment, student)
    returned = hand_in(assignment, EnrollmentFactory(classroom=classroom).student)
    Submission.objects.filter(pk=returned.pk).update(returned_at=timezone.now())
    TrainingFactory(student=outsider, status=Status.RUNNING, dataset="schiller/geheim")

    url = reverse("dashboard", args=[teacher.school.slug])
    client = client_for(teacher)
    client.get(url)
    with django_assert_num_queries(TEACHER_HOME_QUERIES):
        html = client.get(url).content.decode()
    running = html.split('id="running-trainings"')[1].split("</section>")[0]
    to_grade = html.split('id="hand-ins-to-grade"')[1].split("</section>")[0]
    assert running.count('role="progressbar"') == size and "schiller/geheim" not in html
    assert to_grade.count("Würfel greifen") == size  # the returned hand-in is done
    assert client_for(outsider).get(url).status_code == 404
    # The school's admin oversees, the classroom's teachers grade: not on the admin's home.
    admin_home = client_for(AdminFactory(school=teacher.school)).get(url).content.decode()
    assert 'id="hand-ins-to-grade"' not in admin_home


def test_a_new_school_sees_first_steps_that_tick_themselves_off(db):
    admin = AdminFactory(school=SchoolFactory(slug="neu"))
    client = client_for(admin)
    url = reverse("dashboard", args=["neu"])

    steps = client.get(url).content.decode().split('id="first-steps"')[1].split("</ol>")[0]
    assert steps.count("<a href=") == 3 and "(done)" not in steps  # add students needs a class

    classroom = ClassroomFactory(school=admin.school, primary_teacher=admin)
    steps = client.get(url).content.decode().split('id="first-steps"')[1].split("</ol>")[0]
    assert steps.count("(done)") == 1
    assert reverse("student_add", args=["neu", classroom.pk]) in steps

    student = EnrollmentFactory(classroom=classroom).student
    TrainingFactory(student=student)
    steps = client.get(url).content.decode().split('id="first-steps"')[1].split("</ol>")[0]
    assert steps.count("(done)") == 3  # only the teacher is left to invite

    InvitationFactory(school=admin.school, invited_by=admin)
    assert 'id="first-steps"' not in client.get(url).content.decode()


def test_a_student_finds_their_models_and_statistics_at_home_and_in_their_classroom(
    student, classroom, outsider
):
    other_class = ClassroomFactory(school=student.school)
    here = TrainingFactory(
        student=student, classroom=classroom, status="completed", hub_model_id="m/hier"
    )
    there = TrainingFactory(
        student=student, classroom=other_class, status="completed", hub_model_id="m/dort"
    )
    client = client_for(student)
    statistics = reverse("student_progress", args=[student.school.slug, student.pk])

    home = client.get(reverse("dashboard", args=[student.school.slug])).content.decode()
    assert here.model_name in home and there.model_name in home and statistics in home

    url = reverse("classroom_detail", args=[student.school.slug, classroom.pk])
    page = client.get(url).content.decode()
    assert here.model_name in page and there.model_name not in page and statistics in page
    assert f"<title>{classroom.name}" in page.replace("\n", "")
    assert client.get(statistics).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


def test_removing_from_the_school_looks_destructive(teacher, classroom, student):
    page = client_for(teacher).get(
        reverse("classroom_detail", args=[teacher.school.slug, classroom.pk])
    )
    remove = reverse("member_deactivate", args=[teacher.school.slug, student.pk])
    assert f'<a class="danger" href="{remove}">' in page.content.decode()
