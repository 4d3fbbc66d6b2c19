"""Project wiring: health check, production settings, translations."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import polib
import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from edubotics.celery import app

ROOT = Path(__file__).resolve().parents[1]


def test_health_reports_database_broker_and_version(db):
    response = Client().get("/health")
    body = response.json()
    assert response.status_code == 200
    assert body["database"] == "ok" and body["version"] == "0.1.0"
    assert body["broker"] == "ok" and body["status"] == "ok"


def test_health_says_the_broker_is_down_when_it_is(db, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    assert app.conf.broker_url == "redis://127.0.0.1:9/0"
    response = Client().get("/health")
    assert response.status_code == 200  # the site still serves pages
    assert response.json()["broker"] == "down" and response.json()["status"] == "degraded"


def test_health_is_503_when_the_database_is_down(db):
    with mock.patch.object(connection, "cursor", side_effect=OSError("database unreachable")):
        response = Client().get("/health")
    assert response.status_code == 503 and response.json()["database"] == "down"


def run(*command, **env):
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # The browser tests' relaxed async guard must not reach the deploy check.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        timeout=120,
    )


def run_manage(*args, **env):
    return run("manage.py", *args, **env)


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "edubotics.settings.production",
    "SECRET_KEY": "x" * 20 + "production-secret-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "edubotics.example",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/edubotics",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "STRIPE_SECRET_KEY": "sk_test_" + "e" * 24,
    "TRAINING_BACKEND": "modal",
    "MODAL_TOKEN_ID": "ak-test",
    "MODAL_TOKEN_SECRET": "as-test",
    "HF_TOKEN": "hf_test",
    "HF_ENDPOINT": "",
    "STRIPE_API_HOST": "",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "no issues" in result.stdout


def test_production_refuses_a_weak_secret_key():
    for weak in ("short-key", "django-insecure-" + "k" * 50, "ab" * 30):
        result = run_manage("check", **PRODUCTION | {"SECRET_KEY": weak})
        assert result.returncode != 0 and "strong SECRET_KEY" in result.stderr, weak


def test_production_refuses_to_send_mail_to_the_log():
    for email_url in ("consolemail://", "", "dummymail://"):
        result = run_manage("check", **PRODUCTION | {"EMAIL_URL": email_url})
        assert result.returncode != 0 and "EMAIL_URL" in result.stderr, email_url


def cache_backend(**env):
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.CACHES['default'])", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_cache_is_shared_on_redis_whenever_there_is_redis():
    local = {"DJANGO_SETTINGS_MODULE": "edubotics.settings.local", "REDIS_URL": ""}
    assert "LocMemCache" in cache_backend(**local, CELERY_BROKER_URL="sqla+sqlite:///var/b.db")
    on_broker = cache_backend(**local, CELERY_BROKER_URL="redis://10.0.0.5:6379/3")
    assert "RedisCache" in on_broker and "redis://10.0.0.5:6379/3" in on_broker
    own = cache_backend(**local | {"REDIS_URL": "redis://10.0.0.6:6379/1"})
    assert "redis://10.0.0.6:6379/1" in own
    assert "RedisCache" in cache_backend(**PRODUCTION)


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"MODAL_TOKEN_SECRET": ""}, "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET"),
        ({"HF_ENDPOINT": "http://127.0.0.1:8080"}, "HF_ENDPOINT points at this machine"),
        ({"STRIPE_API_HOST": "http://localhost:8420"}, "STRIPE_API_HOST points at this machine"),
    ],
)
def test_production_refuses_stand_ins_for_modal_the_hub_and_stripe(change, refusal):
    result = run_manage("check", **(PRODUCTION | change))
    assert result.returncode != 0 and refusal in result.stderr


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_worker_and_beat_load_production_settings_and_refuse_as_the_web_does(process, tmp_path):
    # No DJANGO_SETTINGS_MODULE: the same default as the web process (edubotics/wsgi.py).
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DATABASE_URL": "sqlite:///" + str(tmp_path / "x.sqlite3")}
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "edubotics", process, "--loglevel", "INFO"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
        }
        | env
        | {"PYTHONPATH": str(ROOT)},
        timeout=90,
    )
    assert result.returncode != 0
    assert "Production needs DATABASE_URL pointing at PostgreSQL." in result.stderr


def test_the_demo_school_is_never_loaded_under_production_settings():
    result = run_manage("seed_demo", **PRODUCTION)
    assert result.returncode != 0 and "not loaded under production settings" in result.stderr


def test_production_refuses_the_embedded_defaults():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="edubotics.settings.production",
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
        ALLOWED_HOSTS="edubotics.example",
        DATABASE_URL="sqlite:///tmp/x.sqlite3",
    )
    assert result.returncode != 0 and "PostgreSQL" in result.stderr


def test_german_is_complete_and_compiled():
    """django.po is the one source of German; `make messages` compiles it into the .mo."""
    folder = ROOT / "locale/de/LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    compiled = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, dict(entry.msgstr_plural))
        for entry in polib.mofile(str(folder / "django.mo"))
    }
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid))
        != (entry.msgstr, {int(k): v for k, v in entry.msgstr_plural.items()})
    ]
    assert stale == [], "run `make messages` to rebuild the .mo"


def test_german_pages_are_german(db):
    with translation.override("de"):
        assert translation.gettext("Sign up your school") == "Schule registrieren"
    response = Client(headers={"accept-language": "de"}).get("/")
    assert "Schule registrieren" in response.content.decode()
