"""Faults a user must not notice: a job that never starts, a cancel racing its submission, and a
staff retry of a training that failed long ago."""

import subprocess
import threading
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import AuditAction, AuditEvent, School
from tests.conftest import postgres_only
from tests.factories import TrainingFactory, UserFactory
from training.backends.local import LocalBackend
from training.models import Status, Training
from training.services.lifecycle import training_cancel, training_poll, training_submit


def submitted(student, **fields) -> Training:
    return training_submit(
        training_id=TrainingFactory(student=student, status=Status.PENDING, **fields).pk
    )


def later(training: Training, minutes=11) -> Training:
    """As if the submission was that long ago (the poller's deadline is 10 minutes)."""
    Training.objects.filter(pk=training.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=minutes)
    )
    training.refresh_from_db()
    return training


def test_a_worker_killed_before_the_local_job_started_gets_it_started(hub, student):
    # The worker died inside the submission: the run folder and payload exist, no runner does.
    training = TrainingFactory(student=student, status=Status.PENDING)
    training.new_submit_key()
    training.submitted_at, training.submissions = timezone.now(), 1
    training.save()
    backend = LocalBackend()
    (backend.runs_dir / str(training.submit_key)).mkdir(parents=True)
    (backend.runs_dir / str(training.submit_key) / "payload.json").write_text("{}")
    training = training_poll(training=later(training))
    assert training.status == Status.QUEUED and training.backend_call_id  # the key was found
    assert not backend.started(str(training.submit_key))

    training = training_poll(training=training)  # found, but overdue and never started
    key = str(training.submit_key)
    deadline = time.monotonic() + 60
    while not backend.started(key) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert backend.started(key), "the runner was not started again"
        training.refresh_from_db()
        assert training.status == Status.QUEUED and training.submissions == 2
        assert training.backend_call_id == f"local:{key}"  # the same key, not a second job
        assert runners(key) == 1
    finally:
        backend.cancel(f"local:{key}")  # the runner, not only the training
    deadline = time.monotonic() + 10
    while runners(key) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert runners(key) == 0


def runners(key: str) -> int:
    """How many runner processes of this key are alive."""
    found = subprocess.run(["pgrep", "-f", f"runs/{key}/payload.json"], capture_output=True)
    return len(found.stdout.split())


def test_a_submission_lost_without_trace_goes_again_under_its_key(fake_modal, student):
    training = TrainingFactory(student=student, status=Status.PENDING)
    training.new_submit_key()
    training.save()
    training = training_poll(training=later(training))
    assert [call.key for call in fake_modal.spawns] == [str(training.submit_key)]
    assert training.status == Status.QUEUED


def test_a_modal_call_that_never_gets_a_container_is_submitted_again_once(fake_modal, student):
    fake_modal.containers_start = False
    training = submitted(student)
    assert training_poll(training=training).status == Status.QUEUED  # a few minutes are fine
    assert len(fake_modal.spawns) == 1

    training = training_poll(training=later(training))
    first, second = fake_modal.spawns
    assert first.cancelled and not second.cancelled and second.key == first.key
    training.refresh_from_db()
    assert training.status == Status.QUEUED and training.backend_call_id == second.object_id

    fake_modal.submissions[second.key] = second.object_id  # its container comes up
    assert training_poll(training=training).status == Status.RUNNING


def test_a_job_that_never_starts_twice_fails_with_the_reason(fake_modal, student):
    fake_modal.containers_start = False
    training = training_poll(training=later(submitted(student)))
    training = training_poll(training=later(Training.objects.get(pk=training.pk)))
    assert training.status == Status.FAILED
    assert "did not start within 10 minutes" in training.error_message
    assert all(call.cancelled for call in fake_modal.spawns) and len(fake_modal.spawns) == 2


@postgres_only
def test_a_cancel_during_the_submission_cancels_the_job_it_created(transactional_db, fake_modal):
    training = TrainingFactory(status=Status.PENDING)
    spawning, cancelled = threading.Event(), threading.Event()

    def hold_the_spawn():
        spawning.set()
        assert cancelled.wait(30)

    fake_modal.on_spawn = hold_the_spawn

    def submit():
        try:
            training_submit(training_id=training.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=submit)
    worker.start()
    assert spawning.wait(30)  # the key is stored, the call id not yet
    training_cancel(training=Training.objects.get(pk=training.pk), actor=training.student)
    cancelled.set()
    worker.join(30)
    training.refresh_from_db()
    assert training.status == Status.CANCELLED
    assert [call.cancelled for call in fake_modal.spawns] == [True]


def test_a_cancel_after_the_submission_cancels_the_job(
    fake_modal, student, django_capture_on_commit_callbacks
):
    training = submitted(student)
    with django_capture_on_commit_callbacks(execute=True):
        training_cancel(training=training, actor=student)
    assert [call.cancelled for call in fake_modal.spawns] == [True]


def retry(training, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(
        UserFactory(is_staff=True, is_superuser=True, first_name="Erika", last_name="Staff")
    )
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("admin:training_training_changelist"),
            {"action": "retry", "_selected_action": [training.pk]},
            follow=True,
        )


def failed_long_ago(student) -> Training:
    long_ago = timezone.now() - timedelta(days=2)
    return TrainingFactory(
        student=student,
        status=Status.FAILED,
        submitted_at=long_ago,
        queued_at=long_ago,
        started_at=long_ago,
        completed_at=long_ago + timedelta(hours=1),
        backend_call_id="fc-old",
        progress_step=120,
        latest_loss=0.7,
        loss_curve=[[120, 0.7]],
        error_message="CUDA out of memory",
        log_tail="Traceback …",
    )


def test_a_staff_retry_is_a_new_attempt(
    fake_modal, student, outsider, django_capture_on_commit_callbacks
):
    training = failed_long_ago(student)
    old_secret = training.callback_secret
    response = retry(training, django_capture_on_commit_callbacks)
    assert "starts again" in response.content.decode()
    training.refresh_from_db()
    assert training.status == Status.QUEUED and training.queued_at > timezone.now() - timedelta(
        minutes=1
    )
    assert training.started_at is None and training.completed_at is None
    assert training.error_message == "" and training.progress_step == 0 and not training.loss_curve
    assert training.callback_secret != old_secret  # the old job's late reports are refused
    assert training.backend_call_id == fake_modal.spawns[0].object_id
    event = AuditEvent.objects.filter(
        school=student.school, action=AuditAction.TRAINING_STATUS_CHANGED
    ).earliest("pk")
    assert event.actor_label == "staff: Erika Staff"
    assert event.data == {"from": "failed", "to": "pending"}
    # The first attempt's start two days ago no longer counts against the 3-hour limit.
    assert training_poll(training=training).status == Status.RUNNING


def test_a_retry_respects_the_schools_limits(
    fake_modal, student, outsider, django_capture_on_commit_callbacks
):
    School.objects.filter(pk=student.school_id).update(concurrent_training_limit=1)
    TrainingFactory(student=student, status=Status.RUNNING)
    training = failed_long_ago(student)
    response = retry(training, django_capture_on_commit_callbacks)
    assert "already waiting or running" in response.content.decode()
    training.refresh_from_db()
    assert training.status == Status.FAILED and fake_modal.spawns == []
