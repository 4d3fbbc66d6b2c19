"""A student starts a training on the demo dataset and watches it complete, in a real browser.

The submit task runs inline (eager Celery) here; the real worker is tested in the pipeline test.
The job itself is real: the LocalBackend's runner process trains and reports to the live server."""

import pytest
from playwright.sync_api import expect

from tests.conftest import postgres_only
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = pytest.mark.browser


@postgres_only  # the runner reports while the browser polls: concurrent writes
def test_a_student_trains_on_the_demo_dataset_and_sees_the_loss_chart(
    page, live_server, settings, tmp_path, classroom
):
    from training.demo_dataset import make_demo_dataset

    settings.SITE_URL = live_server.url
    settings.TRAINING_BACKEND = "local"
    settings.HF_TOKEN = ""
    settings.HUB_LOCAL_DIR = str(tmp_path / "hub")
    settings.LOCAL_RUNS_DIR = str(tmp_path / "runs")
    make_demo_dataset(tmp_path / "hub")
    student = EnrollmentFactory(
        classroom=classroom, student__user__username="lena.k", student__user__first_name="Lena"
    ).student

    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill("lena.k")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_role("link", name="Trainings").first.click()
    page.get_by_role("link", name="New training").click()
    # ACT is chosen, so the object field hides (once the form's script has run)
    expect(page.get_by_label("Object to detect (ACT + BBox)")).to_be_hidden()
    page.get_by_label("Dataset on the Hugging Face Hub").fill("edubotics-demo/so101-pick-place")
    page.get_by_text("The dataset is fine.").wait_for()  # the estimate shows as she types
    assert page.get_by_text("12 episodes, 720 frames").is_visible()
    assert not page.get_by_label("Steps (ACT)").is_visible()  # expert settings wait behind a click
    page.get_by_text("Advanced").click()
    page.get_by_label("Steps (ACT)").fill("3000")
    page.get_by_text("3000 steps with batch size").wait_for()
    assert page.get_by_text("Estimate: about").is_visible()
    page.get_by_role("button", name="Start training").click()

    page.locator(".status-completed").wait_for(timeout=60_000)  # the page updates itself
    assert page.get_by_text("The model is ready:").is_visible()
    assert page.locator("#training-chart svg polyline").count() == 1
    points = page.locator("#training-chart svg polyline").get_attribute("points").split()
    assert len(points) >= 10
    page.screenshot(path=str(tmp_path / "training.png"), full_page=True)
    assert student.trainings.get().status == "completed"
