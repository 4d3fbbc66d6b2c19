"""A teacher reads a classroom's progress: table, chart, sorting, CSV for the grade book."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    EnrollmentFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.models import Status

pytestmark = pytest.mark.browser


def test_a_teacher_sorts_by_success_rate_and_downloads_the_csv(page, school, tmp_path):
    teacher = TeacherFactory(school=school, user__first_name="Tom")
    classroom = ClassroomFactory(school=school, primary_teacher=teacher, name="Robotik 9b")
    now = timezone.now()
    outcomes = {
        "Adler": [Status.FAILED, Status.FAILED, Status.COMPLETED],
        "Berg": [Status.COMPLETED, Status.COMPLETED],
        "Cem": [Status.FAILED],
    }
    for last_name, statuses in outcomes.items():
        student = EnrollmentFactory(classroom=classroom, student__user__last_name=last_name).student
        for n, status in enumerate(statuses):
            TrainingFactory(
                student=student,
                classroom=classroom,
                status=status,
                completed_at=now - timedelta(days=n + 1),
                started_at=now - timedelta(days=n + 1, minutes=20),
                duration_seconds=1200 if status == Status.COMPLETED else None,
            )

    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_login").fill(teacher.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_role("link", name="Robotik 9b").click()
    page.get_by_role("link", name="Progress").click()
    assert page.locator("figure.bars svg rect").count() >= 4  # completed and failed bars
    bar = page.locator("figure.bars g.point").last
    assert not bar.locator(".value").is_visible()
    bar.focus()  # a keyboard user reads a bar's values as a mouse user does on hover
    assert bar.locator(".value").is_visible()
    names = lambda: page.locator("#progress-table tbody tr td:first-child").all_inner_texts()  # noqa: E731
    assert [n.split(",")[0] for n in names()] == ["Adler", "Berg", "Cem"]

    page.get_by_role("link", name="Success rate").click()  # ascending
    page.get_by_role("link", name="Success rate ▲").click()  # descending
    assert [n.split(",")[0] for n in names()] == ["Berg", "Adler", "Cem"]  # 100 %, 33.3 %, 0 %
    assert page.locator("#progress-table tbody tr").first.get_by_text("100.0 %").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    content = tmp_path / "export.csv"
    download.save_as(content)
    text = content.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and download.suggested_filename.startswith("robotik-9b-")
    rows = [line.split(";") for line in text.lstrip("\ufeff").splitlines()]
    assert [r[0] for r in rows[1:]] == ["Berg", "Adler", "Cem"] and rows[1][6] == "100,0"
