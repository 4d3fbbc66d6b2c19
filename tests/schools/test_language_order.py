"""Which language a school page speaks: the user's choice, then the browser's, then the school's."""

import pytest
from django.test import Client

from tests.factories import SchoolFactory, TeacherFactory


@pytest.fixture
def english_school(db):
    return SchoolFactory(language="en")


def teacher_client(school, **headers):
    client = Client(headers=headers)
    client.force_login(TeacherFactory(school=school).user)
    return client


def home(client, school):
    return client.get(f"/s/{school.slug}/").content.decode()


def test_without_a_choice_or_a_browser_language_the_school_language_wins(english_school):
    assert "My classrooms" in home(teacher_client(english_school), english_school)


def test_the_browser_language_comes_before_the_school_language(english_school):
    client = teacher_client(english_school, accept_language="de-DE,de;q=0.9,en;q=0.5")
    assert "Meine Kurse" in home(client, english_school)


def test_a_browser_language_we_do_not_speak_falls_back_to_the_school_language(english_school):
    client = teacher_client(english_school, accept_language="fr-FR,fr;q=0.9")
    assert "My classrooms" in home(client, english_school)


def test_the_users_own_choice_comes_before_the_browser_language(english_school):
    client = teacher_client(english_school, accept_language="en")
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302  # the EN/DE switch of every page
    assert "Meine Kurse" in home(client, english_school)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My classrooms" in home(client, english_school)


def test_an_outsider_gets_no_school_page_in_any_language(english_school):
    outsider = teacher_client(SchoolFactory(), accept_language="de")
    assert outsider.get(f"/s/{english_school.slug}/").status_code == 404
