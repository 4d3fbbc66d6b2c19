"""Inference servers: started from the API or the model's panel on Modal (faked at the SDK), within
the school's limits, followed until they stop (idle, lifetime, a dead container, Stop), charged
to the school. The real LeRobot server is tests/lerobot/ and test_servers_lerobot.py."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import AuditAction, AuditEvent, School
from schools.services.tokens import api_token_create
from tests.conftest import client_for
from tests.factories import EnrollmentFactory, TrainingFactory, UserFactory
from training.models import InferenceServer, ServerStatus, Status, TrainingDay
from training.runner import sign
from training.services.rollup import training_rollup_rebuild
from training.services.servers import inference_server_follow
from training.tasks import follow_servers


def api(membership) -> Client:
    _token, value = api_token_create(actor=membership)
    return Client(headers={"authorization": f"Token {value}"})


def model_of(student, policy="ACT", trainer="lerobot"):
    return TrainingFactory(
        student=student,
        classroom=student.enrollments.first().classroom,
        policy_type=policy,
        status=Status.COMPLETED,
        hub_model_id=f"edubotics-ai/{student.school.slug}-{policy.lower()}-{student.pk}",
        metrics={"trainer": trainer},
    )


def report(server, event, secret=None):
    body = json.dumps(event)
    return Client().post(
        reverse("api_inference_server_events", args=[server.pk]),
        body,
        content_type="application/json",
        headers={"x-edubotics-signature": sign(secret or server.callback_secret, body.encode())},
    )


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """POST /api/v1/inference-servers as the member, with the queued submission run."""

    def start(member, training):
        with django_capture_on_commit_callbacks(execute=True):
            return api(member).post(
                "/api/v1/inference-servers",
                {"training_id": training.pk},
                content_type="application/json",
            )

    return start


@pytest.fixture
def running(fake_modal, student, start):
    """The student's ACT server, up and reporting its address."""
    response = start(student, model_of(student))
    assert response.status_code == 201, response.json()
    server = InferenceServer.objects.get(pk=response.json()["id"])
    assert report(server, {"type": "running", "address": "r7.modal.host:41234"}).status_code == 200
    server.refresh_from_db()
    return server


def follow(server, now, capture):
    with capture(execute=True):
        inference_server_follow(server=InferenceServer.objects.get(pk=server.pk), now=now)
    server.refresh_from_db()
    return server


def test_a_student_serves_their_act_model_on_an_a10g_in_the_eu(fake_modal, student, start):
    training = model_of(student)

    response = start(student, training)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["gpu_type"], body["region"]) == ("starting", "A10G", "eu")
    assert body["cost_per_hour_eur"] == "1.05"
    (call,) = fake_modal.spawns
    server = InferenceServer.objects.get(pk=body["id"])
    assert call.function_name == "serve_a10g" and call.key == str(server.submit_key)
    assert call.payload["model_repo_id"] == training.hub_model_id
    assert call.payload["server_secret"] == server.secret  # as a call argument only
    assert server.secret not in call.payload["callback_url"]
    assert server.backend_call_id == call.object_id
    assert AuditEvent.objects.filter(action=AuditAction.SERVER_STARTED, school=student.school)


def test_gr00t_is_served_on_the_larger_gpu(fake_modal, student, start):
    body = start(student, model_of(student, policy="GR00T")).json()
    assert (body["gpu_type"], body["cost_per_hour_eur"]) == ("L40S", "1.80")
    assert fake_modal.spawns[0].function_name == "serve_l40s"


def test_the_owner_gets_address_and_secret_over_the_api_and_nobody_else_the_secret(
    running, student, teacher
):
    mine = api(student).get(f"/api/v1/inference-servers/{running.pk}").json()
    assert (mine["status"], mine["address"], mine["secret"]) == (
        "running",
        "r7.modal.host:41234",
        running.secret,
    )
    theirs = api(teacher).get(f"/api/v1/inference-servers/{running.pk}").json()
    assert theirs["address"] == "r7.modal.host:41234" and theirs["secret"] is None
    listed = api(teacher).get("/api/v1/inference-servers").json()["results"]
    assert [s["id"] for s in listed] == [running.pk] and listed[0]["secret"] is None


def test_a_student_cannot_serve_or_see_another_students_model(
    fake_modal, student, classroom, start, running
):
    other = EnrollmentFactory(classroom=classroom).student
    assert start(other, running.training).status_code == 404
    assert api(other).get(f"/api/v1/inference-servers/{running.pk}").status_code == 404
    assert api(other).post(f"/api/v1/inference-servers/{running.pk}/stop").status_code == 404
    assert api(other).get("/api/v1/inference-servers").json()["results"] == []


def test_an_outsider_from_another_school_gets_404(running, outsider, start):
    client = api(outsider)
    assert client.get(f"/api/v1/inference-servers/{running.pk}").status_code == 404
    assert client.post(f"/api/v1/inference-servers/{running.pk}/stop").status_code == 404
    assert start(outsider, running.training).status_code == 404
    assert client.get("/api/v1/inference-servers").json()["results"] == []
    outsider_client = client_for(outsider)
    assert (
        outsider_client.get(f"/s/goethe/trainings/{running.training_id}/server/").status_code == 404
    )
    assert (
        outsider_client.get(f"/s/schiller/trainings/{running.training_id}/server/").status_code
        == 404
    )
    assert (
        outsider_client.post(f"/s/schiller/trainings/servers/{running.pk}/stop/").status_code == 404
    )
    running.refresh_from_db()
    assert running.status == ServerStatus.RUNNING


def test_one_server_per_member_and_the_schools_concurrent_limit(
    fake_modal, student, classroom, school, start, running
):
    again = start(student, model_of(student))
    assert again.status_code == 400
    assert "already have an inference server" in again.json()["message"]
    others = [EnrollmentFactory(classroom=classroom).student for _ in range(3)]
    assert [start(s, model_of(s)).status_code for s in others[:2]] == [201, 201]
    refused = start(others[2], model_of(others[2]))
    assert refused.status_code == 400
    assert "3 inference servers of this school are already running" in refused.json()["message"]
    assert InferenceServer.objects.filter(school=school).count() == 3


def test_a_restricted_school_starts_no_server(fake_modal, student, school, start):
    School.objects.filter(pk=school.pk).update(entitled=False)
    refused = start(student, model_of(student))
    assert (
        refused.status_code == 400 and "Inference servers cannot start" in refused.json()["message"]
    )
    assert not fake_modal.spawns


def test_the_demo_model_and_an_unfinished_training_cannot_be_served(fake_modal, student, start):
    demo = start(student, model_of(student, trainer="builtin-mlp"))
    assert demo.status_code == 400 and "demo model" in demo.json()["message"]
    unfinished = TrainingFactory(student=student, status=Status.RUNNING)
    assert "finished training" in start(student, unfinished).json()["message"]
    assert not fake_modal.spawns


def test_stop_through_the_api_cancels_the_call_and_charges_the_school(
    running, student, fake_modal, django_capture_on_commit_callbacks
):
    InferenceServer.objects.filter(pk=running.pk).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api(student).post(f"/api/v1/inference-servers/{running.pk}/stop")
    assert response.status_code == 200 and response.json()["status"] == "stopping"
    running.refresh_from_db()
    assert running.status == ServerStatus.STOPPED
    assert fake_modal.calls[running.backend_call_id].cancelled
    assert running.cost_eur == Decimal("0.53")  # half an hour of an A10G at 1.05 €/h
    assert "Stopped by" in running.stop_reason
    day = TrainingDay.objects.get(school=running.school)
    assert (day.cost_eur, day.completed, day.failed) == (Decimal("0.53"), 0, 0)
    assert 1790 <= day.gpu_seconds <= 1810
    training_rollup_rebuild(school=running.school)  # a recount keeps the server's cost
    assert TrainingDay.objects.get(school=running.school).cost_eur == Decimal("0.53")
    again = api(student).post(f"/api/v1/inference-servers/{running.pk}/stop")
    assert again.status_code == 400 and "already stopping or stopped" in again.json()["message"]


def test_it_stops_after_the_schools_idle_time_without_a_client(
    running, school, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    t0 = running.running_at
    assert follow(running, t0 + timedelta(minutes=9), capture).status == ServerStatus.RUNNING
    assert report(running, {"type": "activity"}).status_code == 200  # a robot is connected
    running.refresh_from_db()
    active_until = running.last_client_at + timedelta(minutes=10)
    assert follow(running, active_until - timedelta(seconds=5), capture).status == "running"
    stopped = follow(running, active_until + timedelta(seconds=5), capture)
    assert stopped.status == ServerStatus.STOPPED
    assert stopped.stop_reason == "Stopped after 10 minutes without a connected robot."

    School.objects.filter(pk=school.pk).update(server_idle_minutes=3)
    quick = InferenceServer.objects.create(
        school=school,
        training=running.training,
        started_by=running.started_by,
        gpu_type="A10G",
        cost_per_hour_eur=Decimal("1.05"),
        status=ServerStatus.RUNNING,
        running_at=t0,
        backend_call_id=running.backend_call_id,
    )
    assert follow(quick, t0 + timedelta(minutes=4), capture).status == ServerStatus.STOPPED


def test_it_stops_after_two_hours_even_with_a_client(
    running, django_capture_on_commit_callbacks, fake_modal
):
    later = running.created_at + timedelta(hours=2, seconds=1)
    InferenceServer.objects.filter(pk=running.pk).update(last_client_at=later)
    stopped = follow(running, later, django_capture_on_commit_callbacks)
    assert stopped.status == ServerStatus.STOPPED
    assert stopped.stop_reason == "Stopped after 2 hours, the longest a server runs."
    assert fake_modal.calls[running.backend_call_id].cancelled


def test_a_dead_container_is_marked_stopped_with_the_reason_by_the_next_follow(
    running, fake_modal, django_capture_on_commit_callbacks
):
    call = fake_modal.calls[running.backend_call_id]
    call.state, call.error = "failed", "container exited with code 137"
    follow_servers.delay()
    running.refresh_from_db()
    assert running.status == ServerStatus.STOPPED
    assert running.stop_reason == "The server's container stopped unexpectedly."
    assert running.cost_eur is not None


def test_a_server_that_never_comes_up_ends_in_error(
    fake_modal, student, start, django_capture_on_commit_callbacks
):
    server = InferenceServer.objects.get(pk=start(student, model_of(student)).json()["id"])
    late = server.created_at + timedelta(minutes=16)
    failed = follow(server, late, django_capture_on_commit_callbacks)
    assert failed.status == ServerStatus.ERROR
    assert "did not start within 15 minutes" in failed.stop_reason
    assert fake_modal.calls[server.backend_call_id].cancelled


def test_reports_need_the_servers_signature_and_a_known_shape(running):
    assert report(running, {"type": "activity"}, secret=running.secret).status_code == 403
    assert report(running, {"type": "explode"}).status_code == 400
    bad = report(running, {"type": "running", "address": ["no"]})
    assert bad.status_code == 400 and bad.json()["message"]
    running.refresh_from_db()
    assert (running.address, running.last_client_at) == ("r7.modal.host:41234", None)


def test_the_panel_starts_shows_and_stops_a_server(
    fake_modal, student, django_capture_on_commit_callbacks
):
    training = model_of(student)
    client = client_for(student)
    panel_url = f"/s/goethe/trainings/{training.pk}/server/"
    assert "Start inference server" in client.get(panel_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(panel_url, {"next": "/s/goethe/trainings/"})
    assert started.status_code == 302 and started["Location"] == "/s/goethe/trainings/"
    server = InferenceServer.objects.get(training=training)
    report(server, {"type": "running", "address": "r7.modal.host:41234"})
    panel = client.get(panel_url, {"next": "/s/goethe/models/1/"}).content.decode()
    assert 'data-active="true"' in panel and "r7.modal.host:41234" in panel
    assert "1.05 €" in panel and server.secret not in panel
    stop_url = f"/s/goethe/trainings/servers/{server.pk}/stop/"
    assert f"{stop_url}?next=/s/goethe/models/1/" in panel.replace("%2F", "/")
    assert "Stop the inference server" in client.get(stop_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        stopped = client.post(f"{stop_url}?next=https://evil.example/")
    assert stopped["Location"] == f"/s/goethe/trainings/{training.pk}/"
    server.refresh_from_db()
    assert server.status == ServerStatus.STOPPED
    after = client.get(panel_url).content.decode()
    assert 'data-active="false"' in after and "Stopped by" in after


def test_without_lerobot_the_local_panel_says_how_to_get_it(hub, settings, student):
    settings.TRAINING_BACKEND, settings.LEROBOT_PYTHON = "local", ""
    training = model_of(student)
    client = client_for(student)
    panel = client.get(f"/s/goethe/trainings/{training.pk}/server/").content.decode()
    assert "make test-lerobot" in panel and "Start inference server" not in panel
    client.post(f"/s/goethe/trainings/{training.pk}/server/")
    assert not InferenceServer.objects.exists()
    demo = model_of(student, trainer="builtin-mlp")
    assert "demo model" in client.get(f"/s/goethe/trainings/{demo.pk}/server/").content.decode()


def test_the_api_list_takes_the_same_queries_for_few_and_many(
    fake_modal, teacher, classroom, django_assert_num_queries
):
    client = api(teacher)

    def add(count):
        for _ in range(count):
            student = EnrollmentFactory(classroom=classroom).student
            InferenceServer.objects.create(
                school=classroom.school,
                training=model_of(student),
                started_by=student,
                gpu_type="A10G",
                cost_per_hour_eur=Decimal("1.05"),
            )

    add(2)
    with django_assert_num_queries(4) as small:
        assert len(client.get("/api/v1/inference-servers").json()["results"]) == 2
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/inference-servers").json()["results"]) == 22


def test_an_admin_sets_the_idle_time_in_the_schools_settings(as_admin, school):
    url = reverse("school_settings", args=[school.slug])
    base = {"name": school.name, "language": "en", "time_zone": "Europe/Berlin"}
    assert as_admin.post(url, {**base, "server_idle_minutes": 25}).status_code == 302
    refused = as_admin.post(url, {**base, "server_idle_minutes": 0})
    assert refused.status_code == 200 and "greater than or equal to 1" in refused.content.decode()
    school.refresh_from_db()
    assert school.server_idle_minutes == 25


def test_staff_stop_any_schools_server_in_the_admin(
    running, fake_modal, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(
        UserFactory(is_staff=True, is_superuser=True, first_name="Erika", last_name="Staff")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:training_inferenceserver_changelist"),
            {"action": "stop", "_selected_action": [running.pk]},
            follow=True,
        )
    assert response.status_code == 200
    running.refresh_from_db()
    assert running.status == ServerStatus.STOPPED
    assert running.stop_reason == "Stopped by EduBotics staff."
    assert fake_modal.calls[running.backend_call_id].cancelled
    assert AuditEvent.objects.filter(
        object_type="inferenceserver", object_id=str(running.pk), actor_label="staff: Erika Staff"
    ).exists()


def test_the_local_backend_runs_lerobot_jobs_in_lerobots_venv(settings, tmp_path):
    """So `LOCAL_TRAINER=lerobot make run` trains models the local server can serve."""
    from training.backends.local import LocalBackend

    argv_file = tmp_path / "argv"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$@" > {argv_file}\n')
    fake_python.chmod(0o755)
    settings.LEROBOT_PYTHON = str(fake_python)
    backend = LocalBackend(runs_dir=tmp_path / "runs")

    backend.submit({"trainer": "lerobot"}, "k1")

    deadline = time.monotonic() + 10
    while not (argv_file.exists() and argv_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert argv_file.read_text().startswith("-m training.runner --payload-file")
