"""Benchmark: a large school (40 classrooms, 1,000 students, 50,000 trainings); times the
teacher's classroom progress page and the admin dashboard against a trivial view served the same
way (same middleware, same signed-in school member), and prints the ratio.

    DATABASE_URL=postgres://… .venv/bin/python bench/dashboards.py
"""

import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.common import remove_school
from schools.models import (
    Classroom,
    Enrollment,
    Membership,
    Role,
    School,
    User,
)
from training.models import Status, Training

CLASSROOMS, STUDENTS, TRAININGS, ROUNDS = 40, 1_000, 50_000, 15


def seed(tag):
    rng = random.Random(1)
    school = School.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    School.objects.filter(pk=school.pk).update(seat_limit=None, monthly_training_quota=10_000)
    staff = [
        Membership.objects.create(
            school=school, role=role, user=User.objects.create(username=f"bench-{tag}-{role}")
        )
        for role in (Role.ADMIN, Role.TEACHER)
    ]
    classrooms = Classroom.objects.bulk_create(
        Classroom(
            school=school,
            name=f"Klasse {n}",
            primary_teacher=staff[1],
            join_code=f"B{tag[:3]}{n:03d}".upper()[:8],
        )
        for n in range(CLASSROOMS)
    )
    users = User.objects.bulk_create(
        User(username=f"bench-{tag}-{n}", last_name=f"Nachname{n:04d}") for n in range(STUDENTS)
    )
    members = Membership.objects.bulk_create(
        Membership(school=school, user=u, role=Role.STUDENT) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(school=school, classroom=classrooms[n % CLASSROOMS], student=m)
        for n, m in enumerate(members)
    )
    now = timezone.now()
    batch = []
    for n in range(TRAININGS):
        member = members[n % STUDENTS]
        done = now - timedelta(days=rng.uniform(0, 365))
        ok = rng.random() < 0.9
        batch.append(
            Training(
                school=school,
                student=member,
                classroom=classrooms[(n % STUDENTS) % CLASSROOMS],
                model_name=f"m{n}",
                dataset="a/b",
                policy_type=rng.choice(["ACT", "ACT_BBOX", "GR00T"]),
                status=Status.COMPLETED if ok else Status.FAILED,
                started_at=done - timedelta(minutes=20),
                completed_at=done,
                duration_seconds=1200 if ok else None,
                cost_eur=Decimal("0.67") if ok else None,
            )
        )
        if len(batch) == 5_000:
            Training.objects.bulk_create(batch)
            batch = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does in production after bulk inserts
    return school, staff, classrooms[0]


def timed(client, url):
    client.get(url)  # warm up
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def main():
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    tag = uuid.uuid4().hex[:6]
    began = time.monotonic()
    school, (admin, teacher), classroom = seed(tag)
    print(
        f"seeded {CLASSROOMS} classrooms, {STUDENTS} students, {TRAININGS} trainings in {time.monotonic() - began:.1f} s on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    try:
        as_admin, as_teacher = Client(), Client()
        as_admin.force_login(admin.user)
        as_teacher.force_login(teacher.user)
        trivial = timed(as_teacher, f"/s/{school.slug}/bench-trivial/")
        for label, client, url in [
            (
                "teacher: classroom progress",
                as_teacher,
                f"/s/{school.slug}/classrooms/{classroom.pk}/progress/",
            ),
            ("admin: school dashboard", as_admin, f"/s/{school.slug}/"),
        ]:
            median = timed(client, url)
            print(
                f"{label:30} median {median * 1000:7.1f} ms   trivial view {trivial * 1000:5.1f} ms   ratio {median / trivial:5.1f}×"
            )
    finally:
        remove_school(school)


if __name__ == "__main__":
    main()
