"""Benchmark: the pages a large school uses (40 classrooms, 1,000 students, 50,000 trainings with
their GPU ledger, 50,000 audit events, ten assignments per classroom with every hand-in) served by gunicorn (2 sync workers, DEBUG off), each timed against a trivial
view in the same run; then the API training list's p95 at 20 concurrent clients (wrk).

The large school is seeded once into the configured database and kept for the next run.

    DATABASE_URL=postgres://…/own_db .venv/bin/python bench/pages.py
"""

import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # the server's, before Django starts
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

import bench.common  # noqa: F401 (sets Django up)
from assignments.models import Assignment, Submission
from schools.models import (
    AuditAction,
    AuditEvent,
    Classroom,
    Enrollment,
    Membership,
    Role,
    School,
    User,
)
from schools.services.tokens import api_token_create
from training.models import BudgetEntry, Status, Training

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-large"
CLASSROOMS, TEACHERS, STUDENTS, TRAININGS, EVENTS = 40, 10, 1_000, 50_000, 50_000
ASSIGNMENTS = 10  # per classroom, over the year, each handed in by every student
PAIRS, REQUESTS = 3, 9  # median of three pairs, each the median of nine requests
LIMITS = {"teacher: classroom": 3}  # the bound for this page; 5× for the others


def seed():
    """The large school: ten teachers with four classrooms each; the benchmarked teacher also
    co-teaches two more, and a year of finished trainings spread over every student."""
    rng = random.Random(1)
    school = School.objects.create(
        name="Bench", slug=SLUG, seat_limit=None, monthly_training_quota=10_000, entitled=True
    )
    Membership.objects.create(
        school=school, role=Role.ADMIN, user=User.objects.create(username=f"{SLUG}-admin")
    )
    teachers = [
        Membership.objects.create(
            school=school, role=Role.TEACHER, user=User.objects.create(username=f"{SLUG}-t{n}")
        )
        for n in range(TEACHERS)
    ]
    classrooms = Classroom.objects.bulk_create(
        Classroom(
            school=school,
            name=f"Klasse {n}",
            primary_teacher=teachers[n % TEACHERS],
            join_code=f"BL{n:04d}",
        )
        for n in range(CLASSROOMS)
    )
    for classroom in classrooms[1:3]:
        classroom.co_teachers.add(teachers[0])
    users = User.objects.bulk_create(
        User(username=f"{SLUG}-{n}", last_name=f"Nachname{n:04d}") for n in range(STUDENTS)
    )
    members = Membership.objects.bulk_create(
        Membership(school=school, user=u, role=Role.STUDENT) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(school=school, classroom=classrooms[n % CLASSROOMS], student=m)
        for n, m in enumerate(members)
    )
    now = timezone.now()
    trainings = []
    for n in range(TRAININGS):
        done = now - timedelta(days=rng.uniform(0, 365))
        ok = rng.random() < 0.9
        trainings.append(
            Training(
                school=school,
                student=members[n % STUDENTS],
                classroom=classrooms[n % STUDENTS % CLASSROOMS],
                model_name=f"m{n}",
                dataset="a/b",
                policy_type=rng.choice(["ACT", "ACT_BBOX", "GR00T"]),
                status=Status.COMPLETED if ok else Status.FAILED,
                started_at=done - timedelta(minutes=20),
                completed_at=done,
                duration_seconds=1200 if ok else None,
                cost_eur=Decimal("0.67") if ok else None,
                hub_model_id=f"{SLUG}/m{n}" if ok else "",
            )
        )
    trainings = Training.objects.bulk_create(trainings, batch_size=5_000)
    # created a few minutes before they ran (auto_now_add stamped them all with now)
    Training.objects.filter(school=school).update(created_at=F("started_at") - timedelta(minutes=2))
    # Each training reserved its estimate and settled at its end (a refund when it failed).
    BudgetEntry.objects.bulk_create(
        (
            entry
            for t in trainings
            for entry in (
                BudgetEntry(
                    school=school,
                    kind=BudgetEntry.Kind.RESERVATION,
                    training=t,
                    classroom=t.classroom,
                    amount_eur=Decimal("0.70"),
                ),
                BudgetEntry(
                    school=school,
                    training=t,
                    classroom=t.classroom,
                    kind=BudgetEntry.Kind.REFUND,
                    amount_eur=Decimal("-0.03") if t.cost_eur else Decimal("-0.70"),
                ),
            )
        ),
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE training_budgetentry e SET created_at = t.completed_at"
            " FROM training_training t WHERE e.training_id = t.id AND t.school_id = %s",
            [school.pk],
        )
    seed_assignments(school, classrooms, trainings, rng)
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                school=school, actor_label="EduBotics", action=AuditAction.TRAINING_STATUS_CHANGED
            )
            for _ in range(EVENTS)
        ),
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does in production after bulk inserts
    return school


def seed_assignments(school, classrooms, trainings, rng):
    """Ten published assignments per classroom over the year; every student handed in one of
    their models for each, and most were graded and returned."""
    now = timezone.now()
    assignments = Assignment.objects.bulk_create(
        Assignment(
            school=school,
            classroom=classroom,
            created_by=classroom.primary_teacher,
            title=f"Aufgabe {n}",
            due_at=now - timedelta(days=36 * n),
            published_at=now - timedelta(days=36 * n + 14),
        )
        for classroom in classrooms
        for n in range(ASSIGNMENTS)
    )
    by_classroom = {}
    for assignment in assignments:
        by_classroom.setdefault(assignment.classroom_id, []).append(assignment)
    first_model = {}
    for training in trainings:
        first_model.setdefault(training.student_id, training)
    Submission.objects.bulk_create(
        (
            Submission(
                school=school,
                assignment=assignment,
                student_id=student_id,
                training=training,
                handed_in_at=assignment.due_at - timedelta(days=1),
                grade=Decimal(rng.randint(1, 6)) if returned else None,
                returned_at=assignment.due_at + timedelta(days=3) if returned else None,
            )
            for student_id, training in first_model.items()
            for assignment in by_classroom[training.classroom_id]
            for returned in [rng.random() < 0.8]
        ),
        batch_size=5_000,
    )


def large_school():
    school = School.objects.filter(slug=SLUG).first()
    if school and Training.objects.filter(school=school).count() == TRAININGS:
        return school
    if school:
        sys.exit(f"a half-seeded school {SLUG!r} is in this database: drop the database first")
    began = time.monotonic()
    school = seed()
    print(f"seeded the large school in {time.monotonic() - began:.0f} s")
    return school


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "edubotics.wsgi",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)  # polling the server's start, with a deadline
    server.terminate()
    sys.exit("gunicorn did not start")


def signed_in(membership):
    client = Client()
    client.force_login(membership.user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def median_ms(session, url, headers=None):
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = session.get(url, headers=headers, timeout=30)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def under_load(url, header):
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c20",
            "-d20s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "p95.lua"),
            "-H",
            header,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def main():
    call_command("migrate", verbosity=0)
    school = large_school()
    call_command("rebuild_rollup", school=SLUG)  # the seed wrote its trainings in bulk
    admin = Membership.objects.get(school=school, role=Role.ADMIN)
    teacher = Membership.objects.get(school=school, user__username=f"{SLUG}-t0")
    classroom = Classroom.objects.get(school=school, name="Klasse 0")
    assignment = Assignment.objects.filter(classroom=classroom).earliest("due_at")
    _token, token = api_token_create(actor=teacher)
    port = free_port()
    base = f"http://127.0.0.1:{port}/s/{SLUG}"
    as_admin, as_teacher = signed_in(admin), signed_in(teacher)
    api = ({"Authorization": f"Token {token}"}, requests.Session())
    pages = [
        ("teacher: classroom", as_teacher, f"{base}/classrooms/{classroom.pk}/", None),
        (
            "teacher: classroom progress",
            as_teacher,
            f"{base}/classrooms/{classroom.pk}/progress/",
            None,
        ),
        ("admin: school dashboard", as_admin, f"{base}/", None),
        ("teacher: training list", as_teacher, f"{base}/trainings/", None),
        ("admin: training list", as_admin, f"{base}/trainings/", None),
        ("teacher: API training list", api[1], f"http://127.0.0.1:{port}/api/v1/trainings", api[0]),
        ("admin: audit log", as_admin, f"{base}/audit/", None),
        ("teacher: model library", as_teacher, f"{base}/models/", None),
        ("teacher: assignment hand-ins", as_teacher, f"{base}/assignments/{assignment.pk}/", None),
        (
            "teacher: grade book (CSV)",
            as_teacher,
            f"{base}/assignments/grade-book/{classroom.pk}/",
            None,
        ),
        ("admin: GPU budget and ledger", as_admin, f"{base}/trainings/budget/", None),
    ]
    server = start_server(port)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when the timing began")
    try:
        print(f"{'page':30} {'ms':>7} {'trivial':>8} {'ratio':>6}  bound")
        for label, session, url, headers in pages:
            median_ms(session, url, headers)  # warm both workers up
            ratios, times, trivials = [], [], []
            for _ in range(PAIRS):
                trivials.append(median_ms(session, f"{base}/bench-trivial/"))
                times.append(median_ms(session, url, headers))
                ratios.append(times[-1] / trivials[-1])
            ratio, bound = statistics.median(ratios), LIMITS.get(label, 5)
            print(
                f"{label:30} {statistics.median(times):7.1f} {statistics.median(trivials):8.1f}"
                f" {ratio:5.1f}×  {'ok' if ratio <= bound else 'OVER'} ({bound}×)"
            )
        if shutil.which("wrk"):
            # The trivial view under the same load is the floor this machine sets.
            name = settings.SESSION_COOKIE_NAME  # the server may have set it again
            cookie = f"{name}={next(c.value for c in as_teacher.cookies if c.name == name)}"
            for label, url, header in [
                ("API training list", "/api/v1/trainings", f"Authorization: Token {token}"),
                ("trivial view", f"/s/{SLUG}/bench-trivial/", f"Cookie: {cookie}"),
            ]:
                print(
                    f"{label}, 20 concurrent clients:",
                    under_load(f"http://127.0.0.1:{port}{url}", header),
                )
        else:
            print("API p95 skipped: install wrk (apt-get install wrk)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
