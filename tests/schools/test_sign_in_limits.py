"""Guessing is slow and tells nothing: sign-in time, sign-in limits across processes, join-code
limits, API throttles."""

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

from schools.models import Membership
from schools.services.tokens import api_token_create
from tests.conftest import postgres_only, redis_only
from tests.factories import PASSWORD, TeacherFactory
from tests.schools.hash_counter import HASHES

ROOT = Path(__file__).resolve().parents[2]
LOGIN_URL = "/accounts/login/"


def hashes_for_wrong_password(login):
    HASHES.clear()
    response = Client().post(LOGIN_URL, {"login": login, "password": "wrong-password-1"})
    assert response.status_code == 200 and "not correct" in response.content.decode()
    return len(HASHES)


def test_a_wrong_password_costs_the_same_for_known_and_unknown_accounts(
    settings, student, outsider
):
    settings.PASSWORD_HASHERS = ["tests.schools.hash_counter.CountingHasher"]
    teacher = TeacherFactory(school=student.school)
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    student.user.set_password(PASSWORD)
    student.user.save()
    costs = {
        "known e-mail": hashes_for_wrong_password(teacher.user.email),
        "unknown e-mail": hashes_for_wrong_password("nobody@example.org"),
        "known username": hashes_for_wrong_password(student.user.username),
        "unknown username": hashes_for_wrong_password("nobody"),
    }
    assert set(costs.values()) == {1}, costs


def test_the_right_password_still_signs_in(student):
    response = Client().post(LOGIN_URL, {"login": student.user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_too_many_sign_ins_from_one_address_get_a_page_that_says_so(db):
    client = Client(REMOTE_ADDR="203.0.113.20", headers={"accept-language": "de"})
    for n in range(30):  # allauth: 30 sign-in posts a minute per address
        client.post(LOGIN_URL, {"login": f"someone{n}", "password": "wrong-password-1"})
    response = client.post(LOGIN_URL, {"login": "someone", "password": "wrong-password-1"})
    assert response.status_code == 429 and "Zu viele Versuche" in response.content.decode()


def signup(client, code, n=0):
    return client.post(
        "/join/",
        {
            "code": code,
            "first_name": "Mia",
            "last_name": f"Muster{n}",
            "password1": "Robotik-Kurs-2026",
            "password2": "Robotik-Kurs-2026",
        },
    )


def test_guessing_join_codes_from_one_address_is_stopped(classroom, outsider):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        assert signup(client, f"ZZZZZ{n:02d}"[-7:], n).status_code == 200
    students_before = Membership.objects.filter(role="student").count()
    response = signup(client, classroom.join_code)  # even the right code, until the wait is over
    assert response.status_code == 429
    assert "Too many attempts with join codes" in response.content.decode()
    assert Membership.objects.filter(role="student").count() == students_before
    assert signup(Client(REMOTE_ADDR="203.0.113.8"), classroom.join_code).status_code == 302


def test_one_code_tried_from_many_addresses_is_stopped(classroom):
    for n in range(30):
        signup(Client(REMOTE_ADDR=f"198.51.100.{n}"), "ABCDEFG", n)
    assert signup(Client(REMOTE_ADDR="198.51.100.200"), "ABCDEFG").status_code == 429
    assert signup(Client(REMOTE_ADDR="198.51.100.201"), classroom.join_code).status_code == 302


def test_the_limit_message_is_german_for_german_browsers(classroom):
    client = Client(REMOTE_ADDR="203.0.113.9", headers={"accept-language": "de"})
    for n in range(30):
        signup(client, "XXXXXXX", n)
    assert "Zu viele Versuche mit Beitrittscodes" in signup(client, "XXXXXXX").content.decode()


def test_the_api_throttles_a_token_that_calls_too_often(student, outsider):
    client = Client(headers={"authorization": f"Token {api_token_create(actor=student)[1]}"})
    answers = {client.get("/api/v1/me/stats").status_code for _ in range(120)}
    assert answers == {200}
    response = client.get("/api/v1/me/stats")
    assert response.status_code == 429 and "throttled" in response.json()["message"]
    outsiders = Client(headers={"authorization": f"Token {api_token_create(actor=outsider)[1]}"})
    assert outsiders.get("/api/v1/me/stats").status_code == 200  # counted per token user


# Each process is a separate web worker on the settings a deployment uses (the cache comes
# from the environment); they share nothing but the database and the broker's Redis.
WORKER = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from django.test import Client
    login, tries, address = sys.argv[1:]
    for _ in range(int(tries)):
        answer = Client(REMOTE_ADDR=address, headers={"accept-language": "en"}).post(
            "/accounts/login/", {"login": login, "password": "wrong-password-1"}
        )
        print(answer.status_code, "Too many failed login attempts" in answer.content.decode())
    """
)


def wrong_passwords_from_another_process(login, tries, address):
    """Sign-ins in a new process, on this test's database; what each answered."""
    name = connection.settings_dict["NAME"]
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    result = subprocess.run(
        [sys.executable, "-c", WORKER, login, str(tries), address],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "edubotics.settings.local",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "testserver",
        },
        check=True,
    )
    return result.stdout.split("\n")[:-1]


@redis_only
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_login_limit_holds_across_processes(student):
    """allauth allows 5 wrong passwords per account in 5 minutes. Spread over workers that each
    count in their own memory, every worker would allow 5; counted in Redis, 5 in all."""
    suffix = uuid.uuid4().hex[:8]  # Redis outlives the test: a fresh account name and address
    student.user.username = f"robot-{suffix}"
    student.user.save()
    address = f"10.{int(suffix[:2], 16)}.{int(suffix[2:4], 16)}.{int(suffix[4:6], 16)}"
    login = student.user.username
    assert wrong_passwords_from_another_process(login, 3, address) == ["200 False"] * 3
    assert wrong_passwords_from_another_process(login, 2, address) == ["200 False"] * 2
    assert wrong_passwords_from_another_process(login, 1, address) == ["200 True"]
