"""Passwords carried over from Supabase's bcrypt hashes: they sign in, then they are Argon2."""

from pathlib import Path

import pytest
from django.urls import reverse

from legacy.services.batches import legacy_import
from schools.models import User

EXPORT = Path(__file__).parent / "export"


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
    ]


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("juergen.mueller@gymnasium-köln.de", "Roboter-Arm-2024"),  # $2a$04$
        ("LEHRERIN.krueger@gymnasium-köln.de", "Lehrerin-Passwort-7"),  # $2a$10$, as Supabase
    ],
)
def test_it_signs_in_with_the_earlier_password_and_rehashes_it(
    client, school, real_hashers, login, password
):
    legacy_import(school=school, folder=EXPORT, dry_run=False)
    user = User.objects.get(email=login.lower())
    assert user.password.startswith("bcrypt$$2a$")

    response = client.post(reverse("account_login"), {"login": login, "password": password})

    assert response.status_code == 302
    assert client.get(f"/s/{school.slug}/").status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(password)


def test_a_wrong_password_is_refused(client, school, real_hashers):
    legacy_import(school=school, folder=EXPORT, dry_run=False)
    response = client.post(
        reverse("account_login"),
        {"login": "juergen.mueller@gymnasium-köln.de", "password": "Roboter-Arm-2025"},
    )
    assert response.status_code == 200
    assert User.objects.get(email="juergen.mueller@gymnasium-köln.de").password.startswith("bcrypt")
