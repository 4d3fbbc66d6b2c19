"""allauth's e-mails and pages in our words: the school's name, our address (SITE_URL), "Sie"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from schools.models import User
from tests.factories import TeacherFactory
from tests.schools.test_accounts import SIGNUP


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://edubotics.example/"


def sign_up(client, language):
    client.cookies["django_language"] = language
    response = client.post(reverse("account_signup"), SIGNUP, headers={"host": "10.0.0.7:8000"})
    assert response.status_code == 302
    return mail.outbox[-1]


def test_the_sign_up_mail_names_the_school_in_german(client, db):
    message = sign_up(client, "de")
    assert message.subject == "[EduBotics] Bestätigen Sie Ihre E-Mail-Adresse für Gesamtschule Nord"
    assert message.body.startswith("Guten Tag Eva Schulz,\n\nSie haben Gesamtschule Nord")
    assert "Ihr EduBotics-Team\nhttps://edubotics.example" in message.body
    assert "https://edubotics.example/accounts/confirm-email/" in message.body
    assert "10.0.0.7" not in message.body and "Hallo von" not in message.body
    assert "Benutzer" not in message.body  # allauth's "weil Benutzer eva …": a made-up name
    assert not re.search(r"\b(du|dich|dein)\b", message.body, re.IGNORECASE)


def test_the_sign_up_mail_in_english(client, db):
    message = sign_up(client, "en")
    assert message.subject == "[EduBotics] Confirm your e-mail address for Gesamtschule Nord"
    assert "Hello Eva Schulz,\n\nyou signed up Gesamtschule Nord on EduBotics" in message.body
    assert "Your EduBotics team\nhttps://edubotics.example" in message.body


def test_confirming_through_the_pages_signs_the_admin_in(client, db):
    message = sign_up(client, "de")
    path = re.search(r"https://edubotics\.example(/accounts/confirm-email/\S+/)", message.body)[1]
    page = client.get(path).content.decode()
    assert "Ist eva@gs-nord.de Ihre E-Mail-Adresse?" in page
    username = User.objects.get(email="eva@gs-nord.de").username  # made up, never chosen by her
    assert f"Benutzer {username}" not in page and "Benutzer" not in page
    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == "/s/gesamtschule-nord/"
    assert "Gesamtschule Nord" in response.content.decode()


def test_the_password_reset_mail_in_german_and_english(client, db):
    teacher = TeacherFactory(user__email="tom@goethe.de", user__first_name="Tom")
    for language, subject, text in [
        ("de", "[EduBotics] Wählen Sie ein neues Passwort", "für Ihr EduBotics-Konto bei"),
        ("en", "[EduBotics] Choose a new password", "for your EduBotics account at"),
    ]:
        client.cookies["django_language"] = language
        client.post(reverse("account_reset_password"), {"email": "tom@goethe.de"})
        message = mail.outbox[-1]
        assert message.subject == subject and text in message.body
        assert teacher.school.name in message.body
        assert "https://edubotics.example/accounts/password/reset/key/" in message.body
        assert teacher.user.username not in message.body


def test_a_reset_for_an_unknown_address_says_how_students_sign_in(client, db):
    client.cookies["django_language"] = "de"
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    message = mail.outbox[-1]
    assert message.subject == "[EduBotics] Kein EduBotics-Konto mit dieser Adresse"
    assert "Anmeldekarte" in message.body
    assert "https://edubotics.example/accounts/signup/" in message.body


def test_the_sign_in_page_tells_students_and_staff_how_to_sign_in(client, db):
    client.cookies["django_language"] = "de"
    page = client.get(reverse("account_login")).content.decode()
    assert "Schülerinnen und Schüler mit dem Benutzernamen von ihrer Anmeldekarte" in page
    assert "Passwort vergessen?" in page and "Du " not in page
