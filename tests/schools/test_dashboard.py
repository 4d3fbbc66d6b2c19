"""The teacher's home page: their classrooms with student counts, in a fixed number of queries."""

import pytest
from django.urls import reverse

from schools.models import Enrollment, Membership, Role, User
from tests.factories import ClassroomFactory


def add_students(classroom, count):
    users = User.objects.bulk_create(
        User(username=f"s{classroom.pk}-{i}", managed_by_school=True) for i in range(count)
    )
    members = Membership.objects.bulk_create(
        Membership(school=classroom.school, user=u, role=Role.STUDENT) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(school=classroom.school, classroom=classroom, student=m) for m in members
    )


@pytest.mark.parametrize("students", [3, 300])
def test_the_teacher_dashboard_takes_the_same_queries_at_any_size(
    as_teacher, teacher, students, django_assert_num_queries
):
    for _ in range(3):
        add_students(ClassroomFactory(school=teacher.school, primary_teacher=teacher), students)
    url = reverse("dashboard", args=[teacher.school.slug])
    as_teacher.get(url)  # the first visit remembers the school in the session
    # session, user, membership, classrooms (current and archived), schools for the switcher,
    # trainings awaiting approval, running trainings, hand-ins to grade
    with django_assert_num_queries(8):
        response = as_teacher.get(url)
    assert response.content.decode().count(f"<td>{students}</td>") == 3


def test_the_dashboard_counts_only_active_students_of_own_classrooms(
    as_teacher, teacher, classroom, student
):
    other = ClassroomFactory(school=teacher.school)  # not taught by this teacher
    add_students(other, 4)
    add_students(classroom, 2)
    student.is_active = False
    student.save()
    page = as_teacher.get(reverse("dashboard", args=[teacher.school.slug])).content.decode()
    assert classroom.name in page and other.name not in page
    assert "<td>2</td>" in page


@pytest.mark.parametrize("students", [3, 300])
def test_the_classroom_page_takes_the_same_queries_at_any_size(
    as_teacher, classroom, students, django_assert_num_queries
):
    add_students(classroom, students)
    url = reverse("classroom_detail", args=[classroom.school.slug, classroom.pk])
    as_teacher.get(url)
    # session, user, membership, classroom, co-teachers, students, schools for the switcher
    with django_assert_num_queries(7):
        response = as_teacher.get(url)
    assert response.content.decode().count("Reset password") == students
