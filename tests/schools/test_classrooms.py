"""Classrooms: create, edit, co-teachers, archive, restore, delete, join codes, students."""

from django.urls import reverse

from schools.models import JOIN_CODE_ALPHABET, Classroom, Enrollment, Membership, Role
from tests.conftest import client_for
from tests.factories import ClassroomFactory, TeacherFactory


def url(name, classroom, *args):
    return reverse(name, args=[classroom.school.slug, classroom.pk, *args])


def test_a_teacher_creates_a_classroom_with_a_co_teacher(as_teacher, teacher, school):
    colleague = TeacherFactory(school=school)
    response = as_teacher.post(
        reverse("classroom_create", args=[school.slug]),
        {"name": "Robotik 9b", "subject": "Informatik", "co_teachers": [colleague.pk]},
    )
    classroom = Classroom.objects.get(name="Robotik 9b")
    assert response["Location"] == url("classroom_detail", classroom)
    assert classroom.primary_teacher == teacher and list(classroom.co_teachers.all()) == [colleague]
    assert len(classroom.join_code) == 7 and set(classroom.join_code) <= set(JOIN_CODE_ALPHABET)
    assert client_for(colleague).get(url("classroom_detail", classroom)).status_code == 200


def test_a_co_teacher_from_another_school_is_refused(as_teacher, school, outsider):
    response = as_teacher.post(
        reverse("classroom_create", args=[school.slug]), {"name": "X", "co_teachers": [outsider.pk]}
    )
    assert response.status_code == 200 and not Classroom.objects.filter(name="X").exists()


def test_a_missing_name_is_a_field_error(as_teacher, school):
    response = as_teacher.post(reverse("classroom_create", args=[school.slug]), {"name": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_a_teacher_does_not_see_a_classroom_they_do_not_teach(school, classroom):
    other_teacher = client_for(TeacherFactory(school=school))
    assert other_teacher.get(url("classroom_detail", classroom)).status_code == 404


def test_admins_see_every_classroom(as_admin, classroom):
    assert as_admin.get(url("classroom_detail", classroom)).status_code == 200


def test_archived_is_read_only_and_restorable(as_teacher, classroom, student):
    page = as_teacher.get(url("classroom_archive", classroom)).content.decode()
    assert "read-only" in page  # asks first
    as_teacher.post(url("classroom_archive", classroom))
    classroom.refresh_from_db()
    assert classroom.is_archived
    response = as_teacher.post(url("classroom_edit", classroom), {"name": "Neu"}, follow=True)
    assert "archived" in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.name != "Neu"
    # Students still see their (archived) classroom.
    assert client_for(student).get(url("classroom_detail", classroom)).status_code == 200
    as_teacher.post(url("classroom_restore", classroom))
    classroom.refresh_from_db()
    assert not classroom.is_archived


def test_only_the_primary_teacher_or_an_admin_deletes(school, classroom, student):
    co_teacher = TeacherFactory(school=school)
    classroom.co_teachers.add(co_teacher)
    response = client_for(co_teacher).post(url("classroom_delete", classroom), follow=True)
    assert "Only the primary teacher" in response.content.decode()
    assert Classroom.objects.filter(pk=classroom.pk).exists()
    client_for(classroom.primary_teacher).post(url("classroom_delete", classroom))
    assert not Classroom.objects.filter(pk=classroom.pk).exists()
    assert Membership.objects.filter(pk=student.pk, is_active=True).exists()  # students stay


def test_join_code_reset_and_turned_off(as_teacher, classroom):
    old = classroom.join_code
    as_teacher.post(url("classroom_join_code", classroom), {"action": "reset"})
    classroom.refresh_from_db()
    assert classroom.join_code != old
    as_teacher.post(url("classroom_join_code", classroom), {"action": "disable"})
    classroom.refresh_from_db()
    assert not classroom.join_code_enabled


def test_a_new_student_joins_with_the_code(client, classroom):
    response = client.post(
        reverse("student_signup"),
        {
            "code": classroom.join_code.lower(),
            "first_name": "Mia",
            "last_name": "Wolf",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="mia.wolf")
    assert membership.role == Role.STUDENT and membership.school == classroom.school
    assert Enrollment.objects.filter(classroom=classroom, student=membership).exists()


def test_a_turned_off_code_lets_nobody_in(client, classroom):
    classroom.join_code_enabled = False
    classroom.save()
    response = client.post(
        reverse("student_signup"),
        {
            "code": classroom.join_code,
            "first_name": "Mia",
            "last_name": "Wolf",
            "password1": "Robot-Lab-2026",
            "password2": "Robot-Lab-2026",
        },
    )
    assert (
        response.status_code == 200
        and "No classroom has this join code" in response.content.decode()
    )
    assert not Membership.objects.filter(user__username="mia.wolf").exists()


def test_a_student_joins_another_classroom_of_their_school_only(student, school, outsider):
    second = ClassroomFactory(school=school)
    foreign = ClassroomFactory(school=outsider.school)
    client = client_for(student)
    client.post(reverse("classroom_join", args=[school.slug]), {"code": foreign.join_code})
    assert not Enrollment.objects.filter(classroom=foreign).exists()
    client.post(reverse("classroom_join", args=[school.slug]), {"code": second.join_code})
    assert Enrollment.objects.filter(classroom=second, student=student).exists()


def test_adding_one_student_shows_their_password_once(as_teacher, classroom):
    response = as_teacher.post(
        url("student_add", classroom), {"first_name": "Lukas", "last_name": "Groß"}, follow=True
    )
    page = response.content.decode()
    password = as_teacher.session["login_sheet"]["students"][0]["password"]
    assert "lukas.gross" in page and password in page
    as_teacher.post(reverse("login_sheet", args=[classroom.school.slug]))
    assert (
        password
        not in as_teacher.get(reverse("login_sheet", args=[classroom.school.slug])).content.decode()
    )


def test_a_taken_username_is_a_form_error(as_teacher, classroom, student, outsider):
    taken = outsider.school.membership_set.filter(role="student").first().user.username
    response = as_teacher.post(
        url("student_add", classroom), {"first_name": "A", "last_name": "B", "username": taken}
    )
    assert response.status_code == 200 and "already taken" in response.content.decode()
    # The username of a student of this classroom: that student is there already.
    response = as_teacher.post(
        url("student_add", classroom),
        {"first_name": "A", "last_name": "B", "username": student.user.username},
    )
    assert "already in the classroom" in response.content.decode()


def test_resetting_a_password_gives_a_new_login_card(as_teacher, classroom, student):
    old_hash = student.user.password
    response = as_teacher.post(
        reverse("student_password", args=[classroom.school.slug, student.pk]), follow=True
    )
    student.user.refresh_from_db()
    assert student.user.password != old_hash
    password = as_teacher.session["login_sheet"]["students"][0]["password"]
    assert student.user.check_password(password) and password in response.content.decode()


def test_removing_from_the_classroom_keeps_the_student_in_the_school(
    as_teacher, classroom, student
):
    as_teacher.post(url("student_remove", classroom, student.pk))
    assert not Enrollment.objects.filter(classroom=classroom, student=student).exists()
    student.refresh_from_db()
    assert student.is_active


def test_removing_from_the_school_frees_the_seat(as_teacher, classroom, student):
    as_teacher.post(reverse("member_deactivate", args=[classroom.school.slug, student.pk]))
    student.refresh_from_db()
    assert not student.is_active
    page = as_teacher.get(url("classroom_detail", classroom)).content.decode()
    assert student.user.username not in page


def test_a_teacher_cannot_deactivate_a_colleague(as_teacher, school):
    colleague = TeacherFactory(school=school)
    # Teachers reach only students of their classrooms: a colleague is not found.
    assert (
        as_teacher.post(reverse("member_deactivate", args=[school.slug, colleague.pk])).status_code
        == 404
    )
