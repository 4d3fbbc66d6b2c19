"""API tokens: kept only as digests, shown once, with expiry and revocation; old plain tokens
carried over."""

import hashlib
import importlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from schools.models import ApiToken, AuditEvent
from schools.services.tokens import api_token_create
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def page(membership, *rest):
    return f"/s/{membership.school.slug}/trainings/api-token/" + "".join(rest)


def robot_app(value):
    return Client(headers={"authorization": f"Token {value}"})


def test_it_shows_a_new_token_once_and_keeps_only_its_digest(as_student, student, outsider):
    response = as_student.post(page(student))
    value = response.context["new_value"]
    assert response.status_code == 200 and value in response.content.decode()
    token = ApiToken.objects.get(user=student.user)
    assert token.digest == hashlib.sha256(value.encode()).hexdigest()
    assert value not in {token.digest, token.prefix}
    assert token.expires_at > timezone.now() + timedelta(days=300)
    again = as_student.get(page(student)).content.decode()
    assert value not in again and token.prefix in again  # listed, not shown
    assert robot_app(value).get("/api/v1/me/stats").status_code == 200
    assert AuditEvent.objects.filter(school=student.school, action="api_token_created").exists()


def test_an_expired_token_is_refused_with_a_message(student):
    token, value = api_token_create(actor=student)
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    response = robot_app(value).get("/api/v1/me/stats")
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_a_revoked_token_stops_working_after_a_confirmation(as_student, student):
    token, value = api_token_create(actor=student)
    _other, other_value = api_token_create(actor=student)  # a second robot keeps working
    confirm = as_student.get(page(student, f"{token.pk}/revoke/"))
    assert confirm.status_code == 200 and token.prefix in confirm.content.decode()
    assert robot_app(value).get("/api/v1/me/stats").status_code == 200  # asking changed nothing
    as_student.post(page(student, f"{token.pk}/revoke/"))
    assert robot_app(value).get("/api/v1/me/stats").status_code == 401
    assert robot_app(other_value).get("/api/v1/me/stats").status_code == 200
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


def test_the_outsider_cannot_see_or_revoke_someone_elses_token(student, outsider):
    token, value = api_token_create(actor=student)
    as_outsider = client_for(outsider)
    assert token.prefix not in as_outsider.get(page(outsider)).content.decode()
    assert as_outsider.post(page(outsider, f"{token.pk}/revoke/")).status_code == 404
    assert robot_app(value).get("/api/v1/me/stats").status_code == 200


def test_plain_tokens_from_before_keep_working_hashed_and_the_plain_table_goes(student):
    """What the migration does on a database that still has DRF's authtoken table."""
    migration = importlib.import_module(
        "schools.migrations."
        + next((ROOT / "schools/migrations").glob("*_api_tokens_hashed.py")).stem
    )
    legacy = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [legacy, timezone.now(), student.user.pk],
        )
    migration.hash_legacy_tokens(apps, SimpleNamespace(connection=connection))
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=student.user)
    assert token.digest != legacy and token.expires_at < timezone.now() + timedelta(days=91)
    assert robot_app(legacy).get("/api/v1/me/stats").status_code == 200
