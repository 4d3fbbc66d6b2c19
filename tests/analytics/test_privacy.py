"""PostHog gets anonymised events from a Celery task; Sentry gets no personal data."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from sentry_sdk.transport import Transport

from analytics.product_events import keyed_hash
from analytics.sentry import sentry_init
from schools.models import School
from tests.conftest import client_for


class PostHogStandIn:
    """A local HTTP server standing in for PostHog's capture API: it keeps what it receives."""

    def __init__(self):
        self.bodies = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.bodies.append((self.path, body.decode("utf-8", "replace")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": 1}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        found = []
        for _path, body in self.bodies:
            data = json.loads(body)
            found += data.get("batch", [data]) if isinstance(data, dict) else data
        return found


@pytest.fixture
def posthog(settings):
    stand_in = PostHogStandIn()
    settings.POSTHOG_API_KEY, settings.POSTHOG_HOST = "phc_test", stand_in.url
    yield stand_in
    stand_in.server.shutdown()


def import_students(client, classroom, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("student_import", args=[classroom.school.slug, classroom.pk]),
            {"file": SimpleUploadedFile("k.csv", "Vorname;Nachname\nJürgen;Müller\n".encode())},
        )


def test_posthog_events_carry_no_personal_data(
    posthog, teacher, classroom, django_capture_on_commit_callbacks
):
    import_students(client_for(teacher), classroom, django_capture_on_commit_callbacks)
    events = posthog.events()
    assert [e["event"] for e in events] == ["edu_students_imported"]
    event = events[0]
    assert event["distinct_id"] == keyed_hash(f"user:{teacher.user_id}") != str(teacher.user_id)
    assert (
        event["properties"]["school_id"] == classroom.school_id
        and event["properties"]["privacy_compliant"] is True
    )
    assert event["properties"]["count"] == 1
    raw = json.dumps(events)
    user = teacher.user
    for personal in (
        user.email,
        user.username,
        user.first_name,
        user.last_name,
        "Jürgen",
        "Müller",
        "juergen.mueller",
    ):
        assert personal not in raw
    assert f'"distinct_id": "{teacher.user_id}"' not in raw


def test_a_school_that_opted_out_sends_nothing(
    posthog, teacher, classroom, django_capture_on_commit_callbacks
):
    School.objects.filter(pk=classroom.school_id).update(analytics_opt_out=True)
    import_students(client_for(teacher), classroom, django_capture_on_commit_callbacks)
    assert posthog.bodies == []


def test_posthog_being_down_breaks_nothing(
    settings, teacher, classroom, django_capture_on_commit_callbacks, caplog
):
    settings.POSTHOG_API_KEY, settings.POSTHOG_HOST = (
        "phc_test",
        "http://127.0.0.1:9",
    )  # nothing listens
    with caplog.at_level(logging.WARNING):
        import_students(client_for(teacher), classroom, django_capture_on_commit_callbacks)
    assert classroom.enrollments.count() == 1
    # The lost event leaves a warning for the operators, and the log names no student.
    assert any("PostHog" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "Jürgen" not in caplog.text and "Müller" not in caplog.text


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def sentry():
    transport = CapturingTransport()
    sentry_init(
        dsn="https://public@sentry.example/1",
        environment="test",
        release="edubotics@0.1.0",
        transport=transport,
    )
    yield transport
    sentry_sdk.init()  # off again


def test_sentry_gets_no_personal_data(sentry, admin):
    user = admin.user

    def database_fails_on_save(execute, sql, params, many, context):
        # The database's own error text carries what was sent: here an e-mail and an IP address.
        if sql.startswith('UPDATE "schools_school"'):
            raise OperationalError(
                f"lost the connection saving {params} for {user.email} (203.0.113.7)"
            )
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.7")
    client.force_login(user)
    body = {"name": f"Schule von {user.email}", "language": "de", "time_zone": "Europe/Berlin"}
    with connection.execute_wrapper(database_fails_on_save):
        response = client.post(reverse("school_settings", args=[admin.school.slug]), body)
    assert response.status_code == 500
    sentry_sdk.flush()
    payloads = [
        item.payload.get_bytes().decode()
        for envelope in sentry.envelopes
        for item in envelope.items
    ]
    assert any("OperationalError" in p for p in payloads)
    everything = "\n".join(payloads)
    for personal in (
        user.email,
        user.username,
        user.first_name,
        user.last_name,
        "203.0.113.7",
        "sessionid",
        client.cookies["sessionid"].value,
    ):
        assert personal not in everything, (
            personal,
            everything[max(0, everything.find(personal) - 300) : everything.find(personal) + 100],
        )
    event = json.loads(next(p for p in payloads if "OperationalError" in p))
    assert event["release"] == "edubotics@0.1.0" and event["environment"] == "test"
    assert "user" not in event and "data" not in event.get("request", {})
