"""At a school with a year of history, no page reads the whole trainings table: PostgreSQL's plan
for every query of the listed pages uses an index on training_training.

The planner is left as it is in production (``enable_seqscan`` on): it scans sequentially when
that is cheaper, so the test seeds enough rows (two schools, 6,000 trainings each over a year,
then ANALYZE) that a page reading more than its share of the table would show up as a
sequential scan, while a test with ``enable_seqscan`` off would only prove an index exists."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import Enrollment, Membership, Role, User
from schools.services.tokens import api_token_create
from tests.conftest import client_for, postgres_only
from tests.factories import ClassroomFactory, SchoolFactory, TeacherFactory
from training.models import Status, Training

STUDENTS, TRAININGS, CLASSROOMS = 300, 6_000, 12


def seed_year(school, teacher):
    classrooms = [ClassroomFactory(school=school, primary_teacher=teacher)] + [
        ClassroomFactory(school=school) for _ in range(CLASSROOMS - 1)
    ]
    users = User.objects.bulk_create(
        User(username=f"{school.slug}-{n}", last_name=f"N{n:04d}") for n in range(STUDENTS)
    )
    students = Membership.objects.bulk_create(
        Membership(school=school, user=u, role=Role.STUDENT) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(school=school, classroom=classrooms[n % CLASSROOMS], student=s)
        for n, s in enumerate(students)
    )
    now = timezone.now()
    Training.objects.bulk_create(
        Training(
            school=school,
            student=students[n % STUDENTS],
            classroom=classrooms[n % STUDENTS % CLASSROOMS],
            model_name=f"m{n}",
            dataset="a/b",
            policy_type="ACT",
            status=Status.COMPLETED,
            hub_model_id=f"edubotics-ai/m{n}",
            started_at=now - timedelta(days=n * 365 / TRAININGS),
            completed_at=now - timedelta(days=n * 365 / TRAININGS) + timedelta(minutes=20),
            duration_seconds=1200,
            cost_eur=Decimal("0.67"),
        )
        for n in range(TRAININGS)
    )
    Training.objects.filter(school=school).update(created_at=F("started_at"))
    return classrooms[0], students[0]


@postgres_only
@pytest.mark.django_db
def test_no_page_scans_all_trainings():
    school = SchoolFactory(slug="gross", seat_limit=None)
    teacher = TeacherFactory(school=school)
    classroom, student = seed_year(school, teacher)
    other = SchoolFactory(slug="nachbar")
    seed_year(other, TeacherFactory(school=other))
    admin = Membership.objects.create(
        school=school, role=Role.ADMIN, user=User.objects.create(username="gross-admin")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _token, token = api_token_create(actor=teacher)
    slug = school.slug
    pages = [
        (teacher, reverse("classroom_detail", args=[slug, classroom.pk])),
        (teacher, reverse("classroom_progress", args=[slug, classroom.pk])),
        (admin, reverse("dashboard", args=[slug])),
        (teacher, reverse("training_list", args=[slug])),
        (teacher, reverse("training_list", args=[slug]) + f"?classroom={classroom.pk}"),
        (admin, reverse("training_list", args=[slug])),
        (student, reverse("training_list", args=[slug])),
        (student, reverse("dashboard", args=[slug])),
        (teacher, reverse("student_progress", args=[slug, student.pk])),
        (admin, reverse("audit_log", args=[slug])),
        (teacher, reverse("model_library", args=[slug])),
        (teacher, reverse("model_library", args=[slug]) + "?sort=rating"),
        (admin, reverse("model_library", args=[slug]) + "?sort=sessions"),
        (admin, reverse("model_library", args=[slug]) + "?sort=loss"),
        (admin, reverse("budget", args=[slug])),
    ]
    requests = [(client_for(member), url, {}) for member, url in pages]
    requests.append((client_for(teacher), "/api/v1/trainings", {"authorization": f"Token {token}"}))
    scanned = []
    for client, url, headers in requests:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200, url
        for query in queries.captured_queries:
            if '"training_training"' not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            if re.search(r"Seq Scan on training_training\b", plan):
                scanned.append(f"{url}\n{query['sql']}\n{plan}")
    assert not scanned, "\n\n".join(scanned)
