"""A school from sign-up to a student signing in with the printed login sheet, in a real browser."""

import re

from django.core import mail

from billing.services.accounts import limits_override
from schools.models import Membership, Role, School

pytestmark = __import__("pytest").mark.browser

STUDENTS = [("Jürgen", "Müller"), ("Zoë", "Weiß"), ("Özlem", "Çelik")] + [
    (f"Kind{i}", f"Klasse{i}") for i in range(22)
]


def link_in_last_mail(pattern):
    return re.search(pattern, mail.outbox[-1].body).group(0)


def open_path(page, url):
    page.goto(page.base_url + "/" + url.split("/", 3)[3])


def test_sign_up_invite_classroom_import_and_student_login(page, tmp_path):
    # A school admin signs up their school and verifies the address.
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Sign up your school").click()
    page.get_by_label("Name of your school").fill("Humboldt-Gymnasium")
    page.get_by_label("First name").fill("Eva")
    page.get_by_label("Last name").fill("Schulz")
    page.get_by_label("Email").fill("eva@humboldt.example")
    page.locator("#id_password1").fill("Robot-Lab-2026")
    page.locator("#id_password2").fill("Robot-Lab-2026")
    page.get_by_label("I accept the data-processing agreement").check()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Check your e-mail").first.wait_for()
    open_path(page, link_in_last_mail(r"http\S+/accounts/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Hello Eva").wait_for()

    # A trial has Starter's 5 seats; EduBotics staff raise them for this pilot class of 25.
    limits_override(
        school=School.objects.get(name="Humboldt-Gymnasium"),
        seats=30,
        quota=None,
        staff_label="staff",
    )

    # She invites a teacher.
    page.get_by_role("link", name="Invite a teacher").first.click()
    page.get_by_label("E-mail").fill("tom@humboldt.example")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to tom@humboldt.example").wait_for()
    invitation_url = link_in_last_mail(r"http\S+/invitations/\S+/")
    page.locator("summary", has_text="Eva").click()
    page.get_by_role("button", name="Sign out").click()

    # The teacher accepts, creates a classroom and imports 25 students.
    open_path(page, invitation_url)
    page.get_by_label("First name").fill("Tom")
    page.get_by_label("Last name").fill("Lehrer")
    page.locator("#id_password1").fill("Robot-Lab-2026")
    page.locator("#id_password2").fill("Robot-Lab-2026")
    page.get_by_role("button", name="Create account and join").click()
    page.get_by_text("Welcome to Humboldt-Gymnasium!").wait_for()
    assert Membership.objects.get(user__email="tom@humboldt.example").role == Role.TEACHER

    page.get_by_role("link", name="New classroom").click()
    page.get_by_label("Name").fill("Robotik AG")
    page.get_by_label("Grade / subject").fill("Klasse 10")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Classroom “Robotik AG” created.").wait_for()

    csv_file = tmp_path / "klasse.csv"
    csv_file.write_text(
        "Vorname;Nachname\n" + "".join(f"{f};{last}\n" for f, last in STUDENTS), encoding="utf-8"
    )
    page.get_by_role("link", name="Import class list (CSV)").click()
    page.get_by_label("Class list (CSV)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("25 students imported.").wait_for()

    # The login sheet has a card per student; the first student signs in with hers.
    cards = page.locator(".login-card")
    assert cards.count() == 25
    first = cards.filter(has_text="Jürgen Müller")
    username, password = first.locator(".credential").all_inner_texts()
    assert username == "juergen.mueller"
    page.screenshot(path=str(tmp_path / "login-sheet.png"), full_page=True)
    page.locator("summary", has_text="Tom").click()
    page.get_by_role("button", name="Sign out").click()

    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Hello Jürgen").wait_for()
    assert page.get_by_text("Robotik AG").is_visible()
