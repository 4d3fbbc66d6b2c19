"""Actions on several selected students of a classroom: new passwords with a new login sheet,
a move to another classroom, removal; each after a confirmation, none across schools."""

from django.urls import reverse

from schools.models import AuditAction, AuditEvent, Enrollment, Membership
from tests.conftest import client_for
from tests.factories import ClassroomFactory, EnrollmentFactory


def bulk(client, classroom, students, action, **extra):
    url = reverse("students_bulk", args=[classroom.school.slug, classroom.pk])
    return client.post(url, {"students": [s.pk for s in students], "action": action, **extra})


def test_the_classroom_page_offers_the_selection(as_teacher, classroom, student):
    page = as_teacher.get(
        reverse("classroom_detail", args=[classroom.school.slug, classroom.pk])
    ).content.decode()
    assert f'name="students" value="{student.pk}"' in page and 'name="action"' in page


def test_new_passwords_for_the_selected_students_after_a_confirmation(as_teacher, classroom):
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(3)]
    for s in students:
        s.user.managed_by_school = True
        s.user.save()
    old = {s.pk: s.user.password for s in students}
    confirm = bulk(as_teacher, classroom, students[:2], "passwords")
    assert confirm.status_code == 200 and students[0].user.username in confirm.content.decode()
    for s in students:
        s.user.refresh_from_db()
        assert s.user.password == old[s.pk]  # nothing changed before the confirmation
    response = bulk(as_teacher, classroom, students[:2], "passwords", confirmed="True")
    assert response["Location"] == reverse("login_sheet", args=[classroom.school.slug])
    sheet = as_teacher.session["login_sheet"]["students"]
    assert sorted(c["username"] for c in sheet) == sorted(s.user.username for s in students[:2])
    for s, card in zip(
        sorted(students[:2], key=lambda s: s.user.username),
        sorted(sheet, key=lambda c: c["username"]),
        strict=True,
    ):
        s.user.refresh_from_db()
        assert s.user.check_password(card["password"])
    students[2].user.refresh_from_db()
    assert students[2].user.password == old[students[2].pk]


def test_moving_students_to_another_of_the_teachers_classrooms(as_teacher, teacher, classroom):
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(2)]
    other = ClassroomFactory(school=classroom.school, primary_teacher=teacher, name="Robotik 8b")
    confirm = bulk(as_teacher, classroom, students, "move")
    assert "Robotik 8b" in confirm.content.decode()  # chosen on the confirmation
    response = bulk(as_teacher, classroom, students, "move", confirmed="True")
    assert Enrollment.objects.filter(classroom=classroom).count() == 2  # no target: nothing
    response = bulk(as_teacher, classroom, students, "move", confirmed="True", target=other.pk)
    assert response.status_code == 302
    assert set(Enrollment.objects.filter(classroom=other).values_list("student", flat=True)) == {
        s.pk for s in students
    }
    assert not Enrollment.objects.filter(classroom=classroom).exists()
    assert AuditEvent.objects.filter(action=AuditAction.STUDENTS_MOVED, actor=teacher).exists()


def test_a_classroom_the_teacher_does_not_teach_is_no_target(as_teacher, classroom, student):
    foreign = ClassroomFactory(school=classroom.school)
    bulk(as_teacher, classroom, [student], "move", confirmed="True", target=foreign.pk)
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()
    assert not Enrollment.objects.filter(classroom=foreign).exists()


def test_removing_selected_students_keeps_their_accounts(as_teacher, classroom):
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(3)]
    bulk(as_teacher, classroom, students[:2], "remove")
    assert Enrollment.objects.filter(classroom=classroom).count() == 3
    bulk(as_teacher, classroom, students[:2], "remove", confirmed="True")
    assert list(
        Enrollment.objects.filter(classroom=classroom).values_list("student", flat=True)
    ) == [students[2].pk]
    assert Membership.objects.filter(pk__in=[s.pk for s in students], is_active=True).count() == 3


def test_students_and_other_schools_cannot_act_on_the_selection(
    as_student, classroom, student, outsider
):
    assert bulk(as_student, classroom, [student], "remove", confirmed="True").status_code == 403
    assert (
        bulk(client_for(outsider), classroom, [student], "remove", confirmed="True").status_code
        == 404
    )
    # The outsider's own classroom with our student's id: not one of its students, nothing done.
    own = outsider.primary_classrooms.first()
    bulk(client_for(outsider), own, [student], "remove", confirmed="True")
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()
