"""A school admin signs up only after accepting the AVV, which they can read first."""

from schools.models import AVV_VERSION, School

pytestmark = __import__("pytest").mark.browser


def test_sign_up_asks_for_the_avv_and_records_its_acceptance(page):
    page.goto(page.base_url + "/accounts/signup/")
    page.get_by_label("Name of your school").fill("Lessing-Schule")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Öztürk")
    page.get_by_label("Email").fill("ada@lessing.example")
    page.locator("#id_password1").fill("Robot-Lab-2026")
    page.locator("#id_password2").fill("Robot-Lab-2026")
    # The browser itself refuses a form whose required box is not ticked.
    page.get_by_role("button", name="Sign Up").click()
    assert page.locator("#id_accept_avv:invalid").count() == 1
    assert not School.objects.exists()

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Data-processing agreement (AVV)").first.click()
    popup.value.get_by_role("heading", name="Data-processing agreement (AVV)").wait_for()
    assert AVV_VERSION in popup.value.content()
    popup.value.close()

    page.get_by_label("I accept the data-processing agreement").check()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Check your e-mail").first.wait_for()
    school = School.objects.get(name="Lessing-Schule")
    assert school.avv_version == AVV_VERSION and school.avv_accepted_at is not None
