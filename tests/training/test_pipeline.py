"""The whole path on real parts: a Celery worker consuming from Redis submits to the
LocalBackend, which runs training/runner.py in its own process; the runner trains on the demo
dataset, uploads to the local Hub folder and reports over HTTP to the live server."""

import threading
import time

from celery.contrib.testing.worker import start_worker

from edubotics.celery import app
from tests.conftest import postgres_only, redis_only
from tests.factories import EnrollmentFactory
from training.models import Status, Training
from training.services.start import training_start

from .conftest import DEMO


@postgres_only
@redis_only
def test_pending_to_completed_through_celery_and_a_local_run(
    transactional_db, live_server, hub, settings, classroom
):
    settings.SITE_URL = live_server.url
    settings.TRAINING_BACKEND = "local"
    student = EnrollmentFactory(classroom=classroom).student
    app.conf.task_always_eager = False
    seen, stop = [], threading.Event()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            training = training_start(
                actor=student,
                student=student,
                dataset=DEMO,
                policy_type="ACT",
                steps=400,
                batch_size=32,
            )
            seen.append(training.status)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not stop.is_set():
                current = Training.objects.get(pk=training.pk)
                if current.status != seen[-1]:
                    seen.append(current.status)
                if current.status in (Status.COMPLETED, Status.FAILED):
                    break
                time.sleep(0.05)
    finally:
        app.conf.task_always_eager = True
    training.refresh_from_db()
    assert training.status == Status.COMPLETED, (training.error_message, training.log_tail)
    assert seen[0] == Status.PENDING and seen[-1] == Status.COMPLETED
    assert Status.QUEUED in seen or Status.RUNNING in seen
    model = hub / "models" / training.model_name
    assert {"model.npz", "config.json", "metrics.json", "README.md"} <= {
        p.name for p in model.iterdir()
    }
    assert student.user.last_name not in (model / "README.md").read_text()
    losses = [loss for _step, loss in training.loss_curve]
    assert len(losses) >= 10 and losses[-1] < losses[0] / 5  # it really learned
    assert training.duration_seconds is not None and training.hub_model_id == training.model_name
