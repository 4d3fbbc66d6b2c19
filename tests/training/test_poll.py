"""Following trainings to the end: time limit, lost processes, off-peak release."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import TrainingFactory
from training.backends.local import LocalBackend
from training.models import Status
from training.services.lifecycle import training_poll, training_submit
from training.tasks import poll_trainings, release_off_peak


def test_a_stuck_training_past_the_limit_is_failed_and_stopped(fake_modal, student):
    training = training_submit(
        training_id=TrainingFactory(student=student, status=Status.PENDING).pk
    )
    training.status, training.started_at = (
        Status.RUNNING,
        timezone.now() - timedelta(hours=3, minutes=11),
    )
    training.save()
    poll_trainings.apply()
    training.refresh_from_db()
    assert training.status == Status.FAILED and "3-hour limit" in training.error_message
    assert fake_modal.spawns[0].cancelled


def test_a_queued_training_becomes_running_when_the_backend_says_so(fake_modal, student):
    training = training_submit(
        training_id=TrainingFactory(student=student, status=Status.PENDING).pk
    )
    training = training_poll(training=training)
    assert training.status == Status.RUNNING and training.started_at is not None


def test_a_local_process_that_died_fails_with_its_log(hub, student, settings):
    backend = LocalBackend()
    run_dir = backend.runs_dir / "dead"
    run_dir.mkdir(parents=True)
    (run_dir / "payload.json").write_text("{}")
    (run_dir / "pid").write_text("999999")  # no such process
    (run_dir / "log.txt").write_text("loading\nKilled\n")
    training = TrainingFactory(
        student=student,
        status=Status.RUNNING,
        backend_call_id="local:dead",
        started_at=timezone.now(),
    )
    training = training_poll(training=training)
    assert training.status == Status.FAILED and "stopped unexpectedly" in training.error_message
    assert "Killed" in training.log_tail


def test_off_peak_trainings_wait_for_the_night_then_go(fake_modal, student):
    training = TrainingFactory(student=student, status=Status.PENDING, off_peak=True)
    poll_trainings.apply()
    training.refresh_from_db()
    assert training.status == Status.PENDING and not fake_modal.spawns
    assert release_off_peak.apply().get() == [training.pk]
    training.refresh_from_db()
    assert training.status == Status.QUEUED and len(fake_modal.spawns) == 1


def test_a_lost_submit_task_is_picked_up_by_the_poller(fake_modal, student):
    training = TrainingFactory(student=student, status=Status.PENDING)  # its task never ran
    poll_trainings.apply()
    training.refresh_from_db()
    assert training.status == Status.QUEUED


def test_a_job_whose_result_cannot_be_read_fails_and_the_others_are_still_followed(
    fake_modal, student
):
    broken, waiting = (
        training_submit(training_id=TrainingFactory(student=student, status=Status.PENDING).pk)
        for _ in range(2)
    )
    fake_modal.spawns[0].state, fake_modal.spawns[0].result = "completed", ["not", "an", "event"]
    poll_trainings.apply()
    broken.refresh_from_db(), waiting.refresh_from_db()
    assert broken.status == Status.FAILED and "cannot be read" in broken.error_message
    assert waiting.status == Status.RUNNING
