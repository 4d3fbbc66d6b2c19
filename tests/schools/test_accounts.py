"""Signing up a school (with e-mail verification) and signing in as admin, teacher or student."""

import re

from django.core import mail
from django.urls import reverse

from schools.models import Membership, Role, School
from tests.conftest import client_for
from tests.factories import PASSWORD, StudentFactory

SIGNUP = {
    "school_name": "Gesamtschule Nord",
    "first_name": "Eva",
    "last_name": "Schulz",
    "email": "eva@gs-nord.de",
    "password1": "Robot-Lab-2026",
    "password2": "Robot-Lab-2026",
    "accept_avv": "on",
}


def test_signing_up_makes_a_school_whose_first_user_is_its_admin(client, db):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    school = School.objects.get(name="Gesamtschule Nord")
    assert (
        school.slug == "gesamtschule-nord"
        and school.country == "DE"
        and school.time_zone == "Europe/Berlin"
    )
    membership = Membership.objects.get(school=school)
    assert membership.role == Role.ADMIN and membership.user.email == "eva@gs-nord.de"
    assert membership.user.password.startswith("md5$")  # hashed (Argon2 outside tests)

    # Not in until the address is verified: the link in the mail signs her in.
    assert client.get(f"/s/{school.slug}/").status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    assert client.post(path).status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/s/{school.slug}/"


def test_a_second_school_with_the_same_name_gets_its_own_address(client, school):
    client.post(reverse("account_signup"), {**SIGNUP, "school_name": "Goethe"})
    assert School.objects.filter(slug="goethe-2").exists()


def test_bad_signup_re_renders_with_errors_and_saves_nothing(client, db):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "school_name": "", "password2": "other"}
    )
    assert response.status_code == 200
    assert not School.objects.exists() and not Membership.objects.exists()


def test_signup_errors_are_in_german_for_german_visitors(client, db):
    client.cookies["django_language"] = "de"
    response = client.post(reverse("account_signup"), {**SIGNUP, "school_name": ""})
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


def test_a_student_signs_in_with_a_username_and_no_email(client, classroom):
    student = StudentFactory(school=classroom.school, user__username="lena.k")
    assert student.user.email == ""
    response = client.post(reverse("account_login"), {"login": "lena.k", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/s/{classroom.school.slug}/"


def test_a_wrong_password_is_refused(client, student):
    response = client.post(
        reverse("account_login"), {"login": student.user.username, "password": "nope"}
    )
    assert response.status_code == 200 and "not correct" in response.content.decode()


def test_teachers_sign_in_with_their_email(client, teacher):
    response = client.post(
        reverse("account_login"), {"login": teacher.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_students_cannot_reach_teacher_or_admin_pages(as_student, classroom):
    slug = classroom.school.slug
    for url in [
        reverse("classroom_create", args=[slug]),
        reverse("student_add", args=[slug, classroom.pk]),
        reverse("classroom_edit", args=[slug, classroom.pk]),
        reverse("members", args=[slug]),
        reverse("school_settings", args=[slug]),
        reverse("login_sheet", args=[slug]),
    ]:
        assert as_student.get(url).status_code == 403, url


def test_teachers_cannot_reach_admin_pages(as_teacher, school):
    assert as_teacher.get(reverse("members", args=[school.slug])).status_code == 403
    assert as_teacher.get(reverse("school_settings", args=[school.slug])).status_code == 403


def test_an_admin_changes_the_school_settings(as_admin, school):
    url = reverse("school_settings", args=[school.slug])
    response = as_admin.post(
        url, {"name": "Goethe-Gymnasium Weimar", "language": "en", "time_zone": "Europe/Vienna"}
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.language, school.time_zone) == (
        "Goethe-Gymnasium Weimar",
        "en",
        "Europe/Vienna",
    )
    response = as_admin.post(url, {"name": "", "language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    school.refresh_from_db()
    assert school.name == "Goethe-Gymnasium Weimar"


def test_forms_carry_csrf_protection(admin, school):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    response = client.post(
        reverse("school_settings", args=[school.slug]),
        {"name": "X", "language": "de", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 403


def test_school_pages_speak_the_schools_language_until_the_user_picks_one(as_teacher, school):
    school.language = "de"
    school.save()
    assert "Meine Kurse" in as_teacher.get(f"/s/{school.slug}/").content.decode()
    as_teacher.cookies["django_language"] = "en"
    assert "My classrooms" in as_teacher.get(f"/s/{school.slug}/").content.decode()


LONG_EMAIL = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "de"  # valid, but over the column's 254


def test_a_too_long_email_at_sign_up_is_a_field_error_not_a_cut_address(client, db):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": LONG_EMAIL})
    assert response.status_code == 200 and "at most 254 characters" in response.content.decode()
    assert not School.objects.exists()


def test_adding_a_too_long_email_is_a_field_error(teacher):
    client = client_for(teacher)
    response = client.post(reverse("account_email"), {"action_add": "", "email": LONG_EMAIL})
    assert response.status_code == 200 and "at most 254 characters" in response.content.decode()
