"""Errors a person can run into speak their language and keep the layout."""

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import AdminFactory, SchoolFactory


def test_a_missing_page_says_so_in_german(db):
    response = Client(headers={"accept-language": "de"}).get("/s/no-such-school/classrooms/1/")
    assert response.status_code == 302  # signed out: sign in first
    member = AdminFactory(school=SchoolFactory(language="de"))
    client = client_for(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"  # no school to take the language from
    response = client.get("/s/another-school/")
    page = response.content.decode()
    assert response.status_code == 404 and "Diese Seite gibt es nicht" in page
    assert 'href="/"' in page  # a way back


def test_a_forbidden_page_explains_itself(as_student, school):
    response = as_student.get(reverse("members", args=[school.slug]))
    page = response.content.decode()
    assert response.status_code == 403 and "not allowed" in page and "EduBotics" in page


def test_a_server_error_page_needs_nothing_from_the_request(db):
    from django.template.loader import render_to_string

    assert "Something went wrong" in render_to_string("500.html")
