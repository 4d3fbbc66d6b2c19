"""A student finds their model in the library, downloads a file and rates the session the robot
app opened, in a real browser (and nothing on the way breaks the Content-Security-Policy)."""

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, EnrollmentFactory, TrainingFactory
from training.hub import LocalHubStore
from training.models import ControlSession, Status

pytestmark = pytest.mark.browser


def test_a_student_rates_a_model_from_its_page(page, settings, tmp_path, classroom):
    settings.HF_TOKEN = ""
    settings.HUB_LOCAL_DIR = str(tmp_path / "hub")
    folder = tmp_path / "trained"
    folder.mkdir()
    (folder / "config.json").write_text('{"type": "act"}')
    LocalHubStore(tmp_path / "hub").upload_model(folder, "edubotics-ai/goethe-act-0042")
    student = EnrollmentFactory(
        classroom=classroom, student__user__username="lena.k", student__user__first_name="Lena"
    ).student
    model = TrainingFactory(
        student=student,
        classroom=classroom,
        model_name="Greifer von Lena",
        status=Status.COMPLETED,
        completed_at=timezone.now(),
        latest_loss=0.042,
        hub_model_id="edubotics-ai/goethe-act-0042",
    )
    session = ControlSession.objects.create(school=model.school, student=student, training=model)

    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill("lena.k")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_role("link", name="Models").first.click()
    page.get_by_role("link", name="Greifer von Lena").click()

    page.get_by_role("link", name="Download").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="config.json").click()
    assert download.value.suggested_filename == "config.json"
    page.get_by_role("link", name="Back to the model").click()

    page.get_by_label("★★★★", exact=True).check()
    page.get_by_label("What did you notice?").fill("Greift den Würfel, lässt ihn aber fallen.")
    page.get_by_role("button", name="Save rating").click()
    page.get_by_text("Thank you! Your rating was saved.").wait_for()
    assert page.locator("#sessions").get_by_text("★★★★☆").is_visible()
    assert page.get_by_text("4.0 / 5").is_visible()
    session.refresh_from_db()
    assert session.rating == 4 and session.ended_at is not None


def test_swagger_ui_shows_the_api_without_a_cdn(page):
    outside = []
    page.on(
        "request",
        lambda request: not request.url.startswith(page.base_url) and outside.append(request.url),
    )
    page.goto(page.base_url + "/api/docs/")
    page.get_by_text("EduBotics API").first.wait_for()
    assert page.get_by_text("/api/v1/auth/token").first.is_visible()
    assert outside == []
