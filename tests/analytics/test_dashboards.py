"""Dashboard numbers against hand-computed values, and flat query counts at two sizes."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.selectors import classroom_progress, daily_counts, school_overview, training_stats
from schools.models import Enrollment, Membership, Role, School, User
from schools.services.tokens import api_token_create
from tests.conftest import client_for
from tests.factories import ClassroomFactory, EnrollmentFactory, TrainingFactory
from training.models import Status, Training
from training.services.rollup import training_rollup_rebuild

NOW = datetime(2026, 10, 27, 12, 0, tzinfo=UTC)


def finished(student, classroom, status, at, duration=600, policy="ACT"):
    return TrainingFactory(
        student=student,
        classroom=classroom,
        status=status,
        completed_at=at,
        started_at=at - timedelta(seconds=duration),
        duration_seconds=duration if status == Status.COMPLETED else None,
        policy_type=policy,
        cost_eur=Decimal("0.33") if status == Status.COMPLETED else None,
    )


def test_a_classroom_in_numbers(classroom):
    anna = EnrollmentFactory(classroom=classroom, student__user__last_name="Adler").student
    ben = EnrollmentFactory(classroom=classroom, student__user__last_name="Berg").student
    EnrollmentFactory(classroom=classroom, student__user__last_name="Cem")  # no trainings yet
    finished(anna, classroom, Status.COMPLETED, NOW - timedelta(days=1), 600)
    finished(anna, classroom, Status.COMPLETED, NOW - timedelta(days=2), 1200)
    finished(anna, classroom, Status.FAILED, NOW - timedelta(days=2))
    finished(ben, classroom, Status.FAILED, NOW - timedelta(days=3))
    TrainingFactory(
        student=ben,
        classroom=classroom,
        status=Status.RUNNING,
        progress_step=50,
        progress_total=200,
    )
    TrainingFactory(student=ben, status=Status.COMPLETED)  # another classroom's: not counted here
    progress = classroom_progress(
        classroom=classroom, sort="success_rate", descending=True, now=NOW
    )
    rows = {r.member.user.last_name: r for r in progress.rows}
    assert (rows["Adler"].total, rows["Adler"].completed, rows["Adler"].failed) == (3, 2, 1)
    assert rows["Adler"].success_rate == 66.7 and rows["Adler"].avg_duration == 900
    assert (rows["Berg"].total, rows["Berg"].success_rate, len(rows["Berg"].active)) == (2, 0.0, 1)
    assert rows["Cem"].success_rate is None and rows["Cem"].last_activity is None
    assert [r.member.user.last_name for r in progress.rows] == [
        "Adler",
        "Berg",
        "Cem",
    ]  # by success rate, desc


def test_days_are_the_schools_across_the_end_of_summer_time(classroom):
    student = EnrollmentFactory(classroom=classroom).student
    # Berlin leaves summer time on Sunday 25 October 2026 at 03:00 (01:00 UTC).
    finished(
        student, classroom, Status.COMPLETED, datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    )  # 25.10. 00:30 CEST
    finished(
        student, classroom, Status.FAILED, datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
    )  # 25.10. 23:30 CET
    finished(
        student, classroom, Status.COMPLETED, datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    )  # 26.10. 00:30 CET
    finished(
        student, classroom, Status.COMPLETED, datetime(2026, 10, 24, 21, 59, tzinfo=UTC)
    )  # 24.10. 23:59 CEST
    days = {
        d.day: (d.completed, d.failed)
        for d in daily_counts(
            Training.objects.filter(classroom=classroom), classroom.school, days=5, now=NOW
        )
    }
    assert days == {
        date(2026, 10, 23): (0, 0),
        date(2026, 10, 24): (1, 0),
        date(2026, 10, 25): (1, 1),
        date(2026, 10, 26): (1, 0),
        date(2026, 10, 27): (0, 0),
    }


def test_per_user_statistics(student, classroom):
    finished(student, classroom, Status.COMPLETED, NOW, 300, "ACT")
    finished(student, classroom, Status.COMPLETED, NOW, 900, "GR00T")
    finished(student, classroom, Status.FAILED, NOW, policy="GR00T")
    stats = training_stats(student=student).as_dict()
    assert stats == {
        "total": 3,
        "completed": 2,
        "failed": 1,
        "success_rate": 66.7,
        "total_duration_seconds": 1200,
        "average_duration_seconds": 600.0,
        "by_policy_type": {"ACT": 1, "GR00T": 2},
    }
    _token, value = api_token_create(actor=student)
    from django.test import Client

    assert (
        Client(headers={"authorization": f"Token {value}"}).get("/api/v1/me/stats").json() == stats
    )


def test_the_school_overview(classroom, school):
    student = EnrollmentFactory(classroom=classroom).student
    finished(student, classroom, Status.COMPLETED, NOW - timedelta(days=1), 3600)
    finished(student, classroom, Status.COMPLETED, NOW - timedelta(days=40), 1800)
    finished(student, classroom, Status.FAILED, NOW - timedelta(days=2))
    training_rollup_rebuild(school=school)  # written past the services, like an import
    overview = school_overview(school=school, now=NOW)
    assert overview.gpu_hours_this_month == 1.0 and overview.cost_this_month == Decimal("0.33")
    assert [(m.month, m.gpu_hours) for m in overview.months[-2:]] == [
        (date(2026, 9, 1), 0.5),
        (date(2026, 10, 1), 1.0),
    ]
    assert len(overview.months) == 12 and overview.success_rate == 50.0
    assert str(overview.months[-1].cost_eur) == "0.33"
    assert overview.counted_this_month == 1 and overview.seats_used == 1


def bulk_school(classroom, students, trainings_each):
    users = User.objects.bulk_create(
        User(username=f"bulk-{classroom.pk}-{i}", last_name=f"N{i:04d}") for i in range(students)
    )
    members = Membership.objects.bulk_create(
        Membership(school=classroom.school, user=u, role=Role.STUDENT) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(school=classroom.school, classroom=classroom, student=m) for m in members
    )
    Training.objects.bulk_create(
        Training(
            school=classroom.school,
            student=m,
            classroom=classroom,
            model_name=f"m-{m.pk}-{n}",
            dataset="a/b",
            policy_type="ACT",
            status=Status.COMPLETED if n % 3 else Status.FAILED,
            completed_at=NOW - timedelta(days=n % 20),
            duration_seconds=600,
            cost_eur=Decimal("0.33"),
        )
        for m in members
        for n in range(trainings_each)
    )


@pytest.mark.parametrize("students", [3, 300])
def test_dashboards_take_the_same_queries_at_any_size(
    admin, school, students, django_assert_num_queries
):
    classroom = ClassroomFactory(school=school)
    bulk_school(classroom, students, 10)
    School.objects.filter(pk=school.pk).update(seat_limit=None)
    client = client_for(admin)
    pages = {
        # session, user, membership, classroom, students, their trainings counted per student,
        # active trainings, counted, per day, assignments with their hand-ins, switcher
        reverse("classroom_progress", args=[school.slug, classroom.pk]): 11,
        # session, user, membership, classrooms (current and archived), GPU cost and finished
        # trainings per month, most active classrooms, teachers, by policy type, seats, counted
        # and first steps (one row), switcher, trainings awaiting approval, running trainings,
        # hand-ins to grade
        reverse("dashboard", args=[school.slug]): 13,
        reverse(
            "student_progress",
            args=[
                school.slug,
                Membership.objects.filter(school=school, role=Role.STUDENT).first().pk,
            ],
        ): 11,  # + the ratings and their average
    }
    for url, queries in pages.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_a_teacher_sees_only_their_classrooms_progress(as_teacher, teacher, school):
    theirs = ClassroomFactory(school=school, primary_teacher=teacher)
    other = ClassroomFactory(school=school)
    assert (
        as_teacher.get(reverse("classroom_progress", args=[school.slug, theirs.pk])).status_code
        == 200
    )
    assert (
        as_teacher.get(reverse("classroom_progress", args=[school.slug, other.pk])).status_code
        == 404
    )


def test_students_do_not_read_their_classrooms_progress(as_student, classroom):
    url = reverse("classroom_progress", args=[classroom.school.slug, classroom.pk])
    assert as_student.get(url).status_code == 403


def test_the_classroom_csv_opens_in_german_excel(as_teacher, classroom):
    student = EnrollmentFactory(
        classroom=classroom, student__user__last_name="Müller", student__user__first_name="Jürgen"
    ).student
    finished(student, classroom, Status.COMPLETED, NOW, 600)
    finished(student, classroom, Status.FAILED, NOW)
    response = as_teacher.get(
        reverse("classroom_progress", args=[classroom.school.slug, classroom.pk]) + "?format=csv"
    )
    assert (
        response["Content-Type"].startswith("text/csv")
        and "attachment" in response["Content-Disposition"]
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:3] == ["Last name", "First name", "Username"]
    assert lines[1].split(";")[:7] == [
        "Müller",
        "Jürgen",
        student.user.username,
        "2",
        "1",
        "1",
        "50,0",
    ]


def test_bar_coordinates_stay_numbers_in_german(as_admin, school, classroom, settings):
    from django.utils import translation

    student = EnrollmentFactory(classroom=classroom).student
    finished(student, classroom, Status.COMPLETED, timezone_now() - timedelta(hours=1), 1234)
    with translation.override("de"):
        page = as_admin.get(
            reverse("classroom_progress", args=[school.slug, classroom.pk]),
            headers={"accept-language": "de"},
        ).content.decode()
    import re

    heights = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', page)
    assert heights and all("," not in value for rect in heights for value in rect)
    assert any(float(rect[3]) > 0 for rect in heights)
    width = re.search(r'<rect width="([^"]+)" height="1"', page).group(1)
    assert "," not in width and float(width) >= 0


def timezone_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("trainings", [3, 300])
def test_the_stats_api_takes_the_same_queries_at_any_size(
    student, classroom, trainings, django_assert_num_queries
):
    Training.objects.bulk_create(
        Training(
            school=student.school,
            student=student,
            classroom=classroom,
            model_name=f"m{n}",
            dataset="a/b",
            policy_type="ACT",
            status=Status.COMPLETED,
            duration_seconds=60,
        )
        for n in range(trainings)
    )
    from django.test import Client

    client = Client(headers={"authorization": f"Token {api_token_create(actor=student)[1]}"})
    with django_assert_num_queries(4):  # token + user, memberships, totals, by policy type
        assert client.get("/api/v1/me/stats").json()["total"] == trainings
