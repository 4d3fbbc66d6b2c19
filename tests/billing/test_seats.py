"""Seats: a full school refuses new students with the number of free seats, all or nothing, even
when many enrollments arrive at once."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingAccount
from billing.services.accounts import entitlement_refresh
from schools.models import Membership, Role
from schools.services.students import students_create
from schools.student_csv import StudentRow
from tests.concurrently import at_once
from tests.conftest import client_for, postgres_only
from tests.factories import (
    ClassroomFactory,
    EnrollmentFactory,
    SchoolFactory,
    StudentFactory,
    TeacherFactory,
)


def fill(classroom, count):
    for _ in range(count):
        EnrollmentFactory(classroom=classroom)


def active_students(school):
    return Membership.objects.filter(school=school, role=Role.STUDENT, is_active=True).count()


def test_a_trial_school_has_five_seats_and_says_how_many_are_free(as_teacher, classroom):
    fill(classroom, 3)
    url = reverse("student_import", args=[classroom.school.slug, classroom.pk])
    content = b"first_name;last_name\nA;Eins\nB;Zwei\nC;Drei\n"
    response = as_teacher.post(url, {"file": SimpleUploadedFile("k.csv", content)})
    assert "Not enough seats: 3 new, 2 free (3 of 5 taken)." in response.content.decode()
    assert active_students(classroom.school) == 3  # all or nothing

    response = as_teacher.post(
        reverse("student_add", args=[classroom.school.slug, classroom.pk]),
        {"first_name": "D", "last_name": "Vier"},
    )
    assert response.status_code == 302 and active_students(classroom.school) == 4


def test_a_deactivated_student_frees_a_seat(as_teacher, classroom):
    fill(classroom, 5)
    student = Membership.objects.filter(school=classroom.school, role=Role.STUDENT).first()
    student.is_active = False
    student.save()
    response = as_teacher.post(
        reverse("student_add", args=[classroom.school.slug, classroom.pk]),
        {"first_name": "E", "last_name": "Fünf"},
    )
    assert response.status_code == 302


def test_reactivating_needs_a_free_seat(as_admin, classroom):
    fill(classroom, 5)
    former = StudentFactory(school=classroom.school, is_active=False)
    response = as_admin.post(
        reverse("member_reactivate", args=[classroom.school.slug, former.pk]), follow=True
    )
    assert "Not enough seats: 1 new, 0 free" in response.content.decode()
    former.refresh_from_db()
    assert not former.is_active


def test_the_join_code_stops_at_the_seat_limit(client, classroom):
    fill(classroom, 5)
    response = client.post(
        reverse("student_signup"),
        {
            "code": classroom.join_code,
            "first_name": "Zu",
            "last_name": "Viel",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert "Not enough seats: 1 new, 0 free" in response.content.decode()
    assert active_students(classroom.school) == 5


def test_staff_overrides_raise_the_seats(classroom):
    fill(classroom, 5)
    account = BillingAccount.objects.get(school=classroom.school)
    account.seat_override = 8
    account.save()
    entitlement_refresh(school=classroom.school)
    classroom.school.refresh_from_db()
    assert classroom.school.seat_limit == 8


def test_a_school_whose_trial_ended_adds_no_students_but_still_signs_in(as_teacher, classroom):
    account = BillingAccount.objects.get(school=classroom.school)
    account.trial_ends_at = timezone.now() - timedelta(minutes=1)
    account.save()
    entitlement_refresh(school=classroom.school)
    response = as_teacher.post(
        reverse("student_add", args=[classroom.school.slug, classroom.pk]),
        {"first_name": "A", "last_name": "B"},
    )
    page = response.content.decode()
    assert "The free trial has ended." in page
    assert active_students(classroom.school) == 0
    assert as_teacher.get(reverse("dashboard", args=[classroom.school.slug])).status_code == 200


@postgres_only
def test_parallel_enrollments_never_exceed_the_seats(transactional_db):
    school = SchoolFactory()
    teacher = TeacherFactory(school=school)
    classroom = ClassroomFactory(school=school, primary_teacher=teacher)
    fill(classroom, 2)  # 3 of 5 seats free
    enrolled, refused = at_once(
        lambda n: students_create(
            actor=teacher,
            classroom=classroom,
            rows=[StudentRow(line=1, first_name="Kind", last_name=f"Nummer{n}")],
        ),
        range(20),
    )
    assert len(enrolled) == 3, refused
    assert all("Not enough seats" in message for message in refused)
    assert active_students(school) == 5


def test_a_teacher_of_another_school_reaches_nothing_of_billing(outsider, school):
    assert client_for(outsider).get(reverse("billing", args=[school.slug])).status_code == 404
