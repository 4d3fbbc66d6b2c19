"""AI control sessions: the robot app runs a finished model, the student rates it, teachers see it."""

from django.test import Client
from django.urls import reverse

from schools.models import AuditEvent
from schools.services.tokens import api_token_create
from tests.conftest import client_for
from tests.factories import TrainingFactory
from training.models import Status


def api(membership) -> Client:
    return Client(headers={"authorization": f"Token {api_token_create(actor=membership)[1]}"})


def test_a_student_runs_and_rates_a_model_and_the_teacher_sees_it(student, as_teacher, classroom):
    model = TrainingFactory(
        student=student, classroom=classroom, status=Status.COMPLETED, hub_model_id="edubotics-ai/m"
    )
    client = api(student)
    opened = client.post(
        "/api/v1/control-sessions", {"training_id": model.pk}, content_type="application/json"
    )
    assert opened.status_code == 201
    session_id = opened.json()["id"]
    closed = client.post(
        f"/api/v1/control-sessions/{session_id}/close",
        {"rating": 4, "feedback": "Greift den Würfel sicher", "data": {"episodes": 3}},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["rating"] == 4 and closed.json()["ended_at"]
    assert (
        client.post(
            f"/api/v1/control-sessions/{session_id}/close",
            {"rating": 5},
            content_type="application/json",
        ).json()["message"]
        == "This session is already closed."
    )
    assert AuditEvent.objects.filter(action="model_rated", data__rating=4).count() == 1
    page = as_teacher.get(
        reverse("student_progress", args=[classroom.school.slug, student.pk])
    ).content.decode()
    assert (
        "Average rating: 4.0 of 5" in page
        and "Greift den Würfel sicher" in page
        and "★★★★☆" in page
    )


def test_only_finished_own_models_run_and_ratings_are_1_to_5(student, classroom):
    running = TrainingFactory(student=student, classroom=classroom, status=Status.RUNNING)
    client = api(student)
    assert (
        client.post(
            "/api/v1/control-sessions", {"training_id": running.pk}, content_type="application/json"
        ).json()["message"]
        == "Only a finished model can run on a robot."
    )
    model = TrainingFactory(student=student, classroom=classroom, status=Status.COMPLETED)
    session_id = client.post(
        "/api/v1/control-sessions", {"training_id": model.pk}, content_type="application/json"
    ).json()["id"]
    bad = client.post(
        f"/api/v1/control-sessions/{session_id}/close",
        {"rating": 9},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "rating" in bad.json()["errors"]


def test_a_teacher_cannot_close_a_students_session(student, teacher, classroom):
    model = TrainingFactory(student=student, classroom=classroom, status=Status.COMPLETED)
    session_id = (
        api(student)
        .post(
            "/api/v1/control-sessions", {"training_id": model.pk}, content_type="application/json"
        )
        .json()["id"]
    )
    assert (
        api(teacher)
        .post(
            f"/api/v1/control-sessions/{session_id}/close",
            {"rating": 1},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert client_for(teacher).get("/api/v1/control-sessions").json()["count"] == 1  # but reads it
