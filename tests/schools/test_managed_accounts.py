"""Accounts a school manages belong to that school: no second school, passwords reset only there."""

import re
from importlib import import_module

from django.apps import apps as django_apps
from django.core import mail
from django.test import Client
from django.urls import reverse

from schools.models import AuditEvent, Membership, Role, User
from tests.conftest import client_for
from tests.factories import AdminFactory, EnrollmentFactory, SchoolFactory, UserFactory

NEW_ACCOUNT = {
    "first_name": "Kim",
    "last_name": "Berg",
    "password1": "Robot-Lab-2026",
    "password2": "Robot-Lab-2026",
}


def teacher_adds_student(client, classroom, **data):
    response = client.post(
        reverse("student_add", args=[classroom.school.slug, classroom.pk]),
        {"first_name": "Kim", "last_name": "Berg", **data},
    )
    assert response.status_code == 302
    return client.session["login_sheet"]["students"][0]


def teacher_resets_password(client, school, member):
    return client.post(reverse("student_password", args=[school.slug, member.pk]), follow=True)


def invitation_link(admin_client, school, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("invitation_create", args=[school.slug]), {"email": email, "role": Role.ADMIN}
        )
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_a_teacher_cannot_take_over_another_schools_admin_through_a_managed_account(
    as_teacher, classroom, outsider, django_capture_on_commit_callbacks
):
    """A's teacher adds a student with an e-mail, B's admin invites that address, the person
    accepts, A's teacher resets the password: B's admin pages stay out of A's teacher's reach."""
    card = teacher_adds_student(as_teacher, classroom, email="kim@example.org")
    school_b = outsider.school
    link = invitation_link(
        client_for(AdminFactory(school=school_b)),
        school_b,
        "kim@example.org",
        django_capture_on_commit_callbacks,
    )

    person = Client()
    person.post(reverse("account_login"), {"login": card["username"], "password": card["password"]})
    page = person.get(link).content.decode()
    assert "student account that your school manages" in page
    person.post(link, follow=True)
    managed = User.objects.get(username=card["username"])
    assert list(managed.memberships.values_list("school", flat=True)) == [classroom.school.pk]

    # The person makes an account of their own with the same link and becomes B's admin.
    person.post(reverse("account_logout"))
    assert person.post(link, NEW_ACCOUNT).status_code == 302
    own = Membership.objects.get(school=school_b, role=Role.ADMIN, user__email="kim@example.org")
    assert own.user != managed and not own.user.managed_by_school

    # A's teacher resets the managed account and signs in with it, as the take-over did.
    student = managed.memberships.get()
    teacher_resets_password(as_teacher, classroom.school, student)
    new_password = as_teacher.session["login_sheet"]["students"][0]["password"]
    attacker = Client()
    attacker.post(reverse("account_login"), {"login": card["username"], "password": new_password})
    assert attacker.get(reverse("dashboard", args=[classroom.school.slug])).status_code == 200
    assert attacker.get(reverse("members", args=[school_b.slug])).status_code == 404
    own.user.refresh_from_db()
    assert own.user.check_password("Robot-Lab-2026")


def test_a_teacher_cannot_reset_the_password_of_a_student_with_an_own_account(
    as_teacher, classroom
):
    """Someone who is a student here and an admin elsewhere (an account made before accounts were
    managed) resets their own password by e-mail."""
    user = UserFactory(email="eva@example.org", username="eva@example.org")
    AdminFactory(school=SchoolFactory(), user=user)
    student = EnrollmentFactory(classroom=classroom, student__user=user).student
    old = user.password
    response = teacher_resets_password(as_teacher, classroom.school, student)
    assert "reset their password themselves" in response.content.decode()
    user.refresh_from_db()
    assert user.password == old
    page = as_teacher.get(reverse("classroom_detail", args=[classroom.school.slug, classroom.pk]))
    assert reverse("student_password", args=[classroom.school.slug, student.pk]) not in (
        page.content.decode()
    )


def test_a_password_reset_is_audited(as_teacher, classroom, student):
    teacher_resets_password(as_teacher, classroom.school, student)
    assert AuditEvent.objects.filter(
        school=classroom.school, action="student_password_reset", object_id=str(student.pk)
    ).exists()


def test_accounts_made_by_teachers_and_by_join_code_are_managed(client, as_teacher, classroom):
    card = teacher_adds_student(as_teacher, classroom)
    client.post(
        reverse("student_signup"),
        {**NEW_ACCOUNT, "first_name": "Ada", "code": classroom.join_code},
    )
    assert User.objects.get(username=card["username"]).managed_by_school
    assert User.objects.get(first_name="Ada").managed_by_school


def test_an_outsiders_teacher_cannot_reset_our_students(classroom, student, outsider):
    response = teacher_resets_password(client_for(outsider), classroom.school, student)
    assert response.status_code == 404


def test_the_data_migration_marks_only_accounts_a_school_made(classroom, outsider):
    mark = import_module("schools.migrations.0007_managed_accounts_and_student_imports")
    made = EnrollmentFactory(classroom=classroom, student__user__managed_by_school=False).student
    own = UserFactory(email="eva@example.org", username="eva@example.org")
    EnrollmentFactory(classroom=classroom, student__user=own)
    both = UserFactory(username="ben")
    EnrollmentFactory(classroom=classroom, student__user=both)
    AdminFactory(school=outsider.school, user=both)
    mark.mark_school_made_accounts(django_apps, None)
    managed = set(User.objects.filter(managed_by_school=True).values_list("pk", flat=True))
    assert made.user.pk in managed and own.pk not in managed and both.pk not in managed


def test_a_managed_account_gets_no_reset_link_by_email_but_an_own_account_does(client, classroom):
    EnrollmentFactory(
        classroom=classroom, student__user__email="kim@example.org", student__user__username="kim"
    )
    client.post(reverse("account_reset_password"), {"email": "kim@example.org"})
    assert len(mail.outbox) == 1 and "/password/reset/key/" not in mail.outbox[0].body

    UserFactory(email="eva@example.org", username="eva@example.org")
    client.post(reverse("account_reset_password"), {"email": "eva@example.org"})
    assert "/password/reset/key/" in mail.outbox[-1].body
