"""The robot app's API (token per user, JSON errors) and the runner's signed reports."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from schools.services.tokens import api_token_create
from tests.conftest import client_for
from tests.factories import EnrollmentFactory, TrainingFactory
from training.bbox import BBoxError
from training.models import Status
from training.runner import sign

from .conftest import DEMO


def api(membership) -> Client:
    _token, value = api_token_create(actor=membership)
    return Client(headers={"authorization": f"Token {value}"})


def report(training, event, secret=None):
    body = json.dumps(event)
    return Client().post(
        reverse("api_training_events", args=[training.pk]),
        body,
        content_type="application/json",
        headers={"x-edubotics-signature": sign(secret or training.callback_secret, body.encode())},
    )


def test_a_student_starts_polls_and_lists_models_through_the_api(
    fake_modal, student, django_capture_on_commit_callbacks
):
    client = api(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/trainings",
            {"dataset": DEMO, "policy_type": "ACT", "steps": 300},
            content_type="application/json",
        )
    assert response.status_code == 201, response.json()
    training_id = response.json()["id"]
    assert client.get(f"/api/v1/trainings/{training_id}").json()["status"] == "queued"
    assert [t["id"] for t in client.get("/api/v1/trainings").json()["results"]] == [training_id]
    assert client.get("/api/v1/models").json()["results"] == []


def test_api_errors_are_json_with_a_message(fake_modal, student):
    client = api(student)
    bad = client.post(
        "/api/v1/trainings",
        {"dataset": "nobody/nothing", "policy_type": "ACT"},
        content_type="application/json",
    )
    assert (
        bad.status_code == 400
        and "was not found on the Hub" in bad.json()["message"]
        and "dataset" in bad.json()["errors"]
    )
    out_of_range = client.post(
        "/api/v1/trainings",
        {"dataset": DEMO, "policy_type": "ACT", "steps": 0},
        content_type="application/json",
    )
    assert out_of_range.status_code == 400 and "steps" in out_of_range.json()["errors"]
    assert Client().get("/api/v1/trainings").json()["message"]  # no token: 401 with a message
    missing = client.get("/api/v1/trainings/999999")
    assert missing.status_code == 404 and missing.json() == {"message": "Not found."}


def test_a_student_sees_only_their_own_trainings(fake_modal, student, classroom):
    other = TrainingFactory(student=EnrollmentFactory(classroom=classroom).student)
    assert api(student).get(f"/api/v1/trainings/{other.pk}").status_code == 404
    assert (
        client_for(student)
        .get(reverse("training_detail", args=[classroom.school.slug, other.pk]))
        .status_code
        == 404
    )


def test_dataset_validation_returns_defaults_and_an_estimate(hub, student):
    body = (
        api(student)
        .post("/api/v1/datasets/validate", {"dataset": DEMO}, content_type="application/json")
        .json()
    )
    assert body["valid"] and body["episodes"] == 12 and body["defaults"]["batch_size"] == 120
    assert float(body["estimate"]["cost_eur"]) > 0


def test_the_runners_reports_move_the_training_along(fake_modal, student):
    training = TrainingFactory(student=student, status=Status.QUEUED, backend_call_id="fc-1")
    assert report(training, {"type": "started", "call_id": "fc-1"}).status_code == 200
    report(training, {"type": "progress", "step": 100, "total": 200, "loss": 0.5})
    report(training, {"type": "progress", "step": 200, "total": 200, "loss": 0.1})
    training.refresh_from_db()
    assert (
        training.status == Status.RUNNING
        and training.loss_curve == [[100, 0.5], [200, 0.1]]
        and training.progress_percent == 100
    )
    report(
        training,
        {
            "type": "completed",
            "hub_model_id": "edubotics-ai/m",
            "metrics": {"final_loss": 0.1},
            "duration": 120,
            "log_tail": "done",
        },
    )
    report(training, {"type": "progress", "step": 50, "total": 200, "loss": 0.9})  # late: ignored
    training.refresh_from_db()
    assert (
        training.status == Status.COMPLETED
        and training.duration_seconds == 120
        and training.cost_eur is not None
    )
    assert training.loss_curve[-1] == [200, 0.1]
    assert [m["id"] for m in api(student).get("/api/v1/models").json()["results"]] == [training.pk]


def test_a_report_with_a_wrong_signature_is_403_and_changes_nothing(student):
    training = TrainingFactory(student=student, status=Status.QUEUED)
    response = report(training, {"type": "completed", "hub_model_id": "x"}, secret="not-the-secret")
    assert response.status_code == 403
    training.refresh_from_db()
    assert training.status == Status.QUEUED


def test_a_failure_report_shows_reason_and_log_on_the_page(student, classroom):
    training = TrainingFactory(student=student, status=Status.RUNNING, classroom=classroom)
    report(
        training,
        {
            "type": "failed",
            "error": "RuntimeError: the dataset has no parquet files",
            "log_tail": "line 1\nline 2\nTraceback (most recent call last)",
        },
    )
    page = (
        client_for(student)
        .get(reverse("training_detail", args=[classroom.school.slug, training.pk]))
        .content.decode()
    )
    assert (
        "the dataset has no parquet files" in page and "Traceback (most recent call last)" in page
    )


def test_cancelling_asks_first_and_a_finished_training_says_so(fake_modal, student, classroom):
    client = client_for(student)
    training = TrainingFactory(student=student, status=Status.RUNNING, backend_call_id="fc-x")
    url = reverse("training_cancel", args=[classroom.school.slug, training.pk])
    assert "Cancel the training" in client.get(url).content.decode()
    client.post(url)
    training.refresh_from_db()
    assert training.status == Status.CANCELLED
    response = client.post(url, follow=True)
    assert "already finished" in response.content.decode()
    assert (
        api(student)
        .post(f"/api/v1/trainings/{training.pk}/cancel")
        .json()["message"]
        .startswith("This training has already finished")
    )


def test_the_openapi_schema_is_served(db):
    response = Client().get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/trainings" in response.content


def test_a_completed_model_links_to_the_hub(student, classroom, settings):
    settings.HF_TOKEN = "hf_x"
    training = TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        hub_model_id="edubotics-ai/goethe-act-1234abcd",
    )
    page = (
        client_for(student)
        .get(reverse("training_detail", args=[classroom.school.slug, training.pk]))
        .content.decode()
    )
    assert 'href="https://huggingface.co/edubotics-ai/goethe-act-1234abcd"' in page


def test_a_member_of_two_schools_is_told_to_name_one(student, outsider):
    from tests.factories import MembershipFactory

    MembershipFactory(school=outsider.school, user=student.user, role="student")
    client = api(student)
    response = client.get("/api/v1/trainings")
    assert response.status_code == 400
    assert response.json() == {
        "message": "You belong to several schools: name one in the X-School header."
    }
    assert (
        client.get("/api/v1/trainings", headers={"x-school": student.school.slug}).status_code
        == 200
    )
    assert (
        client.get("/api/v1/trainings", headers={"x-school": "no-such-school"}).status_code == 404
    )


def test_a_replayed_old_report_moves_nothing_backwards(student):
    training = TrainingFactory(student=student, status=Status.RUNNING)
    report(training, {"type": "progress", "step": 20, "total": 200, "loss": 0.9})
    report(training, {"type": "progress", "step": 80, "total": 200, "loss": 0.25})
    assert (
        report(training, {"type": "progress", "step": 20, "total": 200, "loss": 0.9}).status_code
        == 200
    )
    training.refresh_from_db()
    assert training.progress_step == 80 and training.latest_loss == 0.25
    assert training.loss_curve == [[20, 0.9], [80, 0.25]]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "progress", "total": 200, "loss": 0.5},
        {"type": "progress", "step": "zwanzig", "total": 200, "loss": 0.5},
        {"type": "progress", "step": 20, "loss": 0.5},
        {"type": "progress", "step": 20, "total": "200", "loss": 0.5},
        {"type": "progress", "step": -1, "total": 200, "loss": 0.5},
        {"type": "progress", "step": 20, "total": 0, "loss": 0.5},
        {"type": "progress", "step": 2.5, "total": 200, "loss": 0.5},
        {"type": "progress", "step": 20, "total": 200, "loss": None},
        {"type": "progress", "step": 20, "total": 200, "loss": float("nan")},
        [{"type": "progress", "step": 20, "total": 200, "loss": 0.5}],
        {"type": "explode"},
        "completed",
        {"type": "completed", "metrics": ["loss", 0.1]},
        {"type": "completed", "metrics": {"loss_curve": [[1]]}},
        {"type": "completed", "duration": "abc"},
        {"type": "completed", "duration": -5},
        {"type": "completed", "hub_model_id": "x" * 201},
        {"type": "failed", "error": {"text": "CUDA"}},
        {"type": "failed", "log_tail": 7},
    ],
)
def test_a_malformed_signed_report_is_400_and_changes_nothing(student, event):
    training = TrainingFactory(student=student, status=Status.QUEUED, progress_step=10)
    response = report(training, event)
    assert response.status_code == 400 and response.json()["message"]
    training.refresh_from_db()
    assert training.status == Status.QUEUED and training.progress_step == 10


def test_an_act_bbox_failure_tells_the_student_in_german_how_many_episodes_had_the_object(
    student, classroom, settings
):
    settings.LANGUAGE_CODE = "de"  # the runner's report carries no language: the site's is used
    training = TrainingFactory(student=student, status=Status.RUNNING, classroom=classroom)
    report(
        training,
        {
            "type": "failed",
            "error": "BBoxError: the object was found in 9 of 12 episodes",
            "error_template": BBoxError.TOO_FEW,
            "error_params": {"found": 9, "total": 12, "minimum": 10},
        },
    )
    training.refresh_from_db()
    assert training.status == Status.FAILED
    assert training.error_message == (
        "Das Objekt wurde in 9 von 12 Episoden gefunden; mindestens 10 sind nötig."
    )
