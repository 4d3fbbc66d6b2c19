"""Benchmark: 200 trainings through Celery and Redis with a backend that does no GPU work.

Prints trainings per second (from the first start to the last `queued`) and the p95 time from
start to `queued`. Uses DATABASE_URL and CELERY_BROKER_URL (PostgreSQL and Redis, as in
production); creates a throw-away school and removes it afterwards.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… .venv/bin/python bench/trainings_throughput.py [N]
"""

import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from bench.common import remove_school
from edubotics.celery import app
from schools.models import (
    Classroom,
    Enrollment,
    Membership,
    Role,
    School,
    User,
)
from training import backends
from training.demo_dataset import DEMO_REPO_ID, make_demo_dataset
from training.models import Status, Training
from training.services.start import training_start


class NoWorkBackend(backends.Backend):
    """Accepts every job at once and never runs it: measures the platform, not a GPU."""

    def submit(self, payload, key):
        return f"bench:{key}"

    def status(self, call_id):
        return backends.CallStatus("running")

    def cancel(self, call_id):
        pass

    def lookup(self, key):
        return None


def main(count: int):
    logging.getLogger("celery").setLevel(logging.WARNING)
    backends.BACKENDS["bench"] = f"{__name__}.NoWorkBackend"
    settings.TRAINING_BACKEND = "bench"
    settings.HF_TOKEN = ""
    settings.HUB_LOCAL_DIR = tempfile.mkdtemp()
    make_demo_dataset(Path(settings.HUB_LOCAL_DIR))
    tag = uuid.uuid4().hex[:6]
    school = School.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    School.objects.filter(pk=school.pk).update(
        monthly_training_quota=count, concurrent_training_limit=count, seat_limit=None
    )
    school.refresh_from_db()
    teacher = Membership.objects.create(
        school=school, role=Role.TEACHER, user=User.objects.create(username=f"bench-teacher-{tag}")
    )
    classroom = Classroom.objects.create(school=school, name="Bench", primary_teacher=teacher)
    students = []
    for n in range(count):
        member = Membership.objects.create(
            school=school, role=Role.STUDENT, user=User.objects.create(username=f"bench-{tag}-{n}")
        )
        Enrollment.objects.create(school=school, classroom=classroom, student=member)
        students.append(member)
    print(
        f"{count} trainings through Celery on {settings.CELERY_BROKER_URL.split('://')[0]} and {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    try:
        with start_worker(
            app, pool="threads", concurrency=4, perform_ping_check=False, loglevel="WARNING"
        ):
            began = time.monotonic()
            for student in students:
                training_start(
                    actor=student,
                    student=student,
                    dataset=DEMO_REPO_ID,
                    policy_type="ACT",
                    steps=100,
                )
            trainings = Training.objects.filter(school=school)
            while (
                trainings.filter(status=Status.QUEUED).count() < count
                and time.monotonic() - began < 300
            ):
                time.sleep(0.05)
            elapsed = time.monotonic() - began
        waits = sorted(
            (t.queued_at - t.created_at).total_seconds() for t in trainings if t.queued_at
        )
        print(f"queued: {len(waits)} of {count} in {elapsed:.2f} s")
        print(f"throughput: {len(waits) / elapsed:.1f} trainings/s")
        print(
            f"start → queued: median {statistics.median(waits) * 1000:.0f} ms, p95 {waits[int(0.95 * (len(waits) - 1))] * 1000:.0f} ms"
        )
    finally:
        remove_school(school)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
