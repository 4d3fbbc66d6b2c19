"""Model downloads: the files of a model a member may see, through links signed for one file
and a few minutes; the platform reads the store, the student never holds its token."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnrollmentFactory, TrainingFactory
from training.hub import LocalHubStore
from training.models import Status

from .test_control_sessions import api

WEIGHTS = b"\x00\x01" * 500
CARD = "# so101-act\n\nA ACT policy trained with EduBotics."


@pytest.fixture
def model(hub, student, classroom, tmp_path):
    """A finished model in the local Hub folder, laid out as LeRobot's pretrained_model."""
    folder = tmp_path / "trained"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(WEIGHTS)
    (folder / "config.json").write_text('{"type": "act"}')
    (folder / "README.md").write_text(CARD)
    LocalHubStore(hub).upload_model(folder, "edubotics-ai/goethe-act-0001")
    return TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        completed_at=timezone.now(),
        hub_model_id="edubotics-ai/goethe-act-0001",
    )


def files_of(client, model) -> dict:
    response = client.get(f"/api/v1/models/{model.pk}/files")
    assert response.status_code == 200, response.content
    return {f["name"]: f for f in response.json()}


def test_a_student_lists_and_downloads_their_models_files(student, model):
    files = files_of(api(student), model)
    assert {name: f["size"] for name, f in files.items()} == {
        "README.md": len(CARD),
        "config.json": 15,
        "model.safetensors": len(WEIGHTS),
    }
    download = Client().get(files["model.safetensors"]["url"])  # the link alone is enough
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == WEIGHTS
    assert 'filename="model.safetensors"' in download["Content-Disposition"]


def test_a_student_cannot_download_another_students_model(model, classroom):
    other = EnrollmentFactory(classroom=classroom).student
    assert api(other).get(f"/api/v1/models/{model.pk}/files").status_code == 404
    assert api(other).get(f"/api/v1/models/{model.pk}").status_code == 404
    page = Client()
    page.force_login(other.user)
    assert (
        page.get(reverse("model_files", args=[classroom.school.slug, model.pk])).status_code == 404
    )


def test_a_link_cannot_be_reused_for_another_file_or_model(student, model):
    link = files_of(api(student), model)["config.json"]["url"]
    path, query = urlsplit(link).path, urlsplit(link).query
    other_file = path.replace("config.json", "model.safetensors") + "?" + query
    assert Client().get(other_file).status_code == 403
    other_model = path.replace(f"/{model.pk}/", f"/{model.pk + 1}/") + "?" + query
    assert Client().get(other_model).status_code == 403
    longer = parse_qs(query)
    forged = f"{path}?expires={int(longer['expires'][0]) + 3600}&signature={longer['signature'][0]}"
    response = Client().get(forged)
    assert response.status_code == 403
    assert response.json()["message"].startswith("This download link has expired")


def test_a_link_expires_after_a_few_minutes(student, model, settings, monkeypatch):
    settings.DOWNLOAD_LINK_SECONDS = 300
    link = files_of(api(student), model)["config.json"]["url"]
    assert Client().get(link).status_code == 200
    later = time.time() + 301
    monkeypatch.setattr("training.downloads.time.time", lambda: later)
    assert Client().get(link).status_code == 403


def test_the_model_page_offers_the_files_and_shows_the_card(as_student, model, classroom):
    slug = classroom.school.slug
    page = as_student.get(reverse("model_detail", args=[slug, model.pk])).content.decode()
    assert "A ACT policy trained with EduBotics." in page  # the model card
    assert reverse("model_files", args=[slug, model.pk]) in page
    files = as_student.get(reverse("model_files", args=[slug, model.pk])).content.decode()
    assert "model.safetensors" in files and "/api/v1/downloads/" in files


def test_a_model_missing_from_the_store_says_so(as_student, model, classroom, hub):
    model.hub_model_id = "edubotics-ai/gone"
    model.save()
    page = as_student.get(reverse("model_files", args=[classroom.school.slug, model.pk]))
    assert "were not found in the model store" in page.content.decode()


def test_an_outsider_cannot_list_the_files(outsider, model):
    assert api(outsider).get(f"/api/v1/models/{model.pk}/files").status_code == 404
