"""The pages that run scripts still work under the Content-Security-Policy: a training's progress
and loss chart update live, the classroom's charts draw, and the login sheet prints. Every browser
test also fails on any violation (see the ``page`` fixture); here the page is asked as well."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, EnrollmentFactory, TrainingFactory
from training.models import Status, Training

pytestmark = pytest.mark.browser


def sign_in(page, login):
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_role("heading", name="Hello").wait_for()


def points(page) -> int:
    return len(page.locator("#training-chart svg polyline").get_attribute("points").split())


def test_live_progress_and_the_loss_chart_update_under_the_policy(page, classroom):
    student = EnrollmentFactory(classroom=classroom, student__user__username="lena.k").student
    training = TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.RUNNING,
        started_at=timezone.now(),
        progress_step=20,
        progress_total=200,
        loss_curve=[[10, 1.2], [20, 0.9]],
        latest_loss=0.9,
    )
    sign_in(page, "lena.k")
    response = page.goto(f"{page.base_url}/s/{classroom.school.slug}/trainings/{training.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#training-status .bar rect")).to_have_attribute("width", "10")
    assert points(page) == 2

    # The runner reports progress; the page (static/js/training.js) picks it up by itself.
    Training.objects.filter(pk=training.pk).update(
        progress_step=100,
        loss_curve=[[10, 1.2], [20, 0.9], [50, 0.6], [80, 0.5], [100, 0.4]],
        latest_loss=0.4,
    )
    expect(page.locator("#training-status .bar rect")).to_have_attribute("width", "50")
    expect(page.get_by_text("Step 100 of 200")).to_be_visible()
    assert points(page) == 5
    Training.objects.filter(pk=training.pk).update(
        status=Status.COMPLETED, completed_at=timezone.now(), hub_model_id="edubotics-ai/lena-act"
    )
    page.locator(".status-completed").wait_for()
    assert page.get_by_text("The model is ready:").is_visible()
    assert page.evaluate("window.cspViolations") == []


def test_the_classroom_charts_draw_and_the_login_sheet_prints_under_the_policy(
    page, teacher, classroom
):
    TrainingFactory(
        student=EnrollmentFactory(classroom=classroom).student,
        classroom=classroom,
        status=Status.COMPLETED,
        completed_at=timezone.now(),
    )
    sign_in(page, teacher.user.email)
    page.goto(f"{page.base_url}/s/{classroom.school.slug}/classrooms/{classroom.pk}/progress/")
    assert page.locator("figure.bars svg rect").count() >= 1
    assert page.get_by_role("progressbar").count() == 1
    assert page.evaluate("window.cspViolations") == []

    page.goto(f"{page.base_url}/s/{classroom.school.slug}/classrooms/{classroom.pk}/")
    page.get_by_role("link", name="Add a student").click()
    page.get_by_label("First name").fill("Mia")
    page.get_by_label("Last name").fill("Neu")
    page.get_by_role("button", name="Add student").click()
    page.get_by_role("heading", name="Login sheet").wait_for()
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")  # no dialog
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True
    assert page.evaluate("window.cspViolations") == []
