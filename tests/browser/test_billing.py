"""Billing as an admin and a teacher see it, in a real browser."""

import pytest

from tests.factories import (
    PASSWORD,
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_role("heading", name="Hello").wait_for()


def test_an_admin_on_the_trial_sees_the_packages_and_the_seats_bar(page, school):
    admin = AdminFactory(school=school, user__first_name="Eva")
    classroom = ClassroomFactory(school=school)
    EnrollmentFactory(classroom=classroom)
    EnrollmentFactory(classroom=classroom)
    sign_in(page, admin.user.email)
    page.get_by_role("link", name="Billing").first.click()
    page.get_by_role("heading", name="Billing").wait_for()
    assert page.get_by_text("Free trial until").is_visible()
    assert page.get_by_text("2 of 5 used").is_visible()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "2"
    for name in ("Starter", "Standard", "Premium", "Enterprise"):
        assert page.locator("table.packages").get_by_text(name, exact=True).is_visible()
    assert page.get_by_text("Payments are not configured").is_visible()


def test_a_teacher_adding_a_sixth_student_to_a_full_starter_school_sees_the_seat_message(
    page, school
):
    teacher = TeacherFactory(school=school, user__first_name="Tom")
    classroom = ClassroomFactory(school=school, primary_teacher=teacher)
    for _ in range(5):
        EnrollmentFactory(classroom=classroom)
    sign_in(page, teacher.user.email)
    page.get_by_role("link", name=classroom.name).click()
    page.get_by_role("link", name="Add a student").click()
    page.get_by_label("First name").fill("Sechs")
    page.get_by_label("Last name").fill("Zuviel")
    page.get_by_role("button", name="Add student").click()
    message = page.get_by_text("Not enough seats: 1 new, 0 free (5 of 5 taken).")
    message.wait_for()
    assert "school admin can get more seats under Billing" in message.inner_text()
