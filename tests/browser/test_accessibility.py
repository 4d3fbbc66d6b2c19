"""axe-core (vendored from the npm registry, tests/browser/vendor/axe.min.js, MPL-2.0) on the key
pages of each role: no serious or critical accessibility violation."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    PASSWORD,
    AdminFactory,
    AssignmentFactory,
    ClassroomFactory,
    EnrollmentFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.models import Status

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
CURVE = [[step, 1.5 / (1 + step / 50)] for step in range(0, 501, 25)]


def serious_violations(page, path):
    assert page.goto(page.base_url + path).ok, path
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy still holds.
    page.evaluate(AXE)
    violations = page.evaluate("axe.run(document).then((result) => result.violations)")
    return [
        f"{path}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page, login):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_the_key_pages_have_no_serious_accessibility_violations(page, school):
    admin = AdminFactory(school=school)
    teacher = TeacherFactory(school=school)
    classroom = ClassroomFactory(school=school, primary_teacher=teacher, name="Robotik 9b")
    student = EnrollmentFactory(classroom=classroom, student__user__username="mia.k").student
    AssignmentFactory(classroom=classroom)
    done = TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        completed_at=timezone.now(),
        started_at=timezone.now(),
        duration_seconds=600,
        hub_model_id="edubotics-ai/mia-act",
        loss_curve=CURVE,
    )
    TrainingFactory(student=student, classroom=classroom, status=Status.RUNNING)
    slug = school.slug
    found = serious_violations(page, reverse("account_signup"))

    sign_in(page, admin.user.email)
    found += serious_violations(page, reverse("dashboard", args=[slug]))
    sign_in(page, teacher.user.email)
    for path in (
        reverse("dashboard", args=[slug]),
        reverse("classroom_detail", args=[slug, classroom.pk]),
        reverse("classroom_progress", args=[slug, classroom.pk]),
        reverse("training_detail", args=[slug, done.pk]),
        reverse("training_new", args=[slug]),
        reverse("model_library", args=[slug]),
    ):
        found += serious_violations(page, path)
    sign_in(page, "mia.k")
    for path in (
        reverse("dashboard", args=[slug]),
        reverse("classroom_detail", args=[slug, classroom.pk]),
        reverse("student_progress", args=[slug, student.pk]),
        reverse("training_new", args=[slug]),
    ):
        found += serious_violations(page, path)
    assert found == []
