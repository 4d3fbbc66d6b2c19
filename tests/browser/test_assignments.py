"""A teacher publishes an assignment, a student hands in a model, the teacher grades it and the
student reads the feedback, in a real browser (within the Content-Security-Policy)."""

import pytest
from django.utils import timezone

from assignments.models import Assignment
from tests.factories import PASSWORD, EnrollmentFactory, TrainingFactory
from training.models import Status

from .conftest import RECORD_CSP_VIOLATIONS

pytestmark = pytest.mark.browser


def sign_in(page, login):
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()


def test_an_assignment_from_publishing_to_feedback(page, browser, teacher, classroom):
    student = EnrollmentFactory(
        classroom=classroom, student__user__username="mia.s", student__user__first_name="Mia"
    ).student

    sign_in(page, teacher.user.username)
    page.get_by_role("link", name="Assignments").first.click()
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Classroom").select_option(str(classroom.pk))
    page.get_by_label("Title").fill("Würfel greifen")
    page.get_by_label("Instructions").fill("Trainiere ein **ACT**-Modell.")
    page.get_by_label("Allowed datasets").fill("edubotics-demo/so101-pick-place")
    page.get_by_label("Due").fill("2030-01-15T12:00")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The assignment is saved as a draft.").wait_for()
    page.get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The assignment is published.").wait_for()

    # The GPU's part: a finished training the student started for the assignment.
    TrainingFactory(
        student=student,
        classroom=classroom,
        assignment=Assignment.objects.get(),
        model_name="Mias Greifer",
        status=Status.COMPLETED,
        completed_at=timezone.now(),
        hub_model_id="edubotics-ai/goethe-act-0001",
        loss_curve=[[1, 0.5], [200, 0.05]],
    )
    context = browser.new_context(locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    student_page = context.new_page()
    student_page.base_url = page.base_url
    sign_in(student_page, "mia.s")
    student_page.locator("#open-assignments").get_by_role("link", name="Würfel greifen").click()
    assert student_page.locator("strong", has_text="ACT").is_visible()  # Markdown, rendered
    assert "Mias Greifer" in student_page.get_by_label("Your model").inner_text()
    student_page.get_by_label("Reflection").fill("Mehr Schritte halfen.")
    student_page.get_by_role("button", name="Hand in").click()
    student_page.get_by_text("Handed in. Your teacher will look at it.").wait_for()

    page.reload()
    page.locator("#hand-ins").get_by_role("link", name="Open").click()
    assert page.get_by_text("Mehr Schritte halfen.").is_visible()
    page.get_by_label("Feedback").fill("Gut gemacht, Mia!")
    page.get_by_label("Grade (1–6)").fill("2")
    page.get_by_role("button", name="Return to the student").click()
    page.get_by_text("Returned to the student with your feedback.").wait_for()
    assert page.locator("#hand-ins").get_by_text("returned").is_visible()

    student_page.reload()
    feedback = student_page.locator("#feedback")
    assert feedback.get_by_text("Gut gemacht, Mia!").is_visible()
    assert feedback.get_by_text("Grade: 2").is_visible()
    assert student_page.evaluate("window.cspViolations") == []
    context.close()
