"""ModalBackend against a fake `modal` module at the SDK boundary, and submitting at most once."""

from datetime import timedelta

import modal
import pytest
from celery.exceptions import Retry
from django.utils import timezone

from tests.factories import TrainingFactory
from training.backends import BackendRejected, BackendUnavailable
from training.backends.modal import ModalBackend
from training.models import Status
from training.services.lifecycle import payload_for, training_poll, training_submit
from training.services.servers import inference_server_start
from training.tasks import submit_training


def pending(student):
    return TrainingFactory(student=student, status=Status.PENDING)


def test_spawn_running_finished(fake_modal, student):
    training = training_submit(training_id=pending(student).pk)
    call = fake_modal.spawns[0]
    assert training.status == Status.QUEUED and training.backend_call_id == call.object_id
    assert call.key == str(training.submit_key)
    backend = ModalBackend()
    assert backend.status(call.object_id).state == "running"
    call.state, call.result = (
        "completed",
        {
            "type": "completed",
            "hub_model_id": "edubotics-ai/x",
            "metrics": {"loss_curve": [[1, 0.5], [2, 0.2]]},
            "duration": 60,
        },
    )
    assert backend.status(call.object_id).state == "completed"
    training = training_poll(training=training)
    assert training.status == Status.COMPLETED and training.hub_model_id == "edubotics-ai/x"
    assert training.loss_curve == [[1, 0.5], [2, 0.2]]


def test_a_failed_call_fails_the_training_with_its_error(fake_modal, student):
    training = training_submit(training_id=pending(student).pk)
    call = fake_modal.spawns[0]
    call.state, call.error = "failed", "CUDA out of memory"
    training = training_poll(training=training)
    assert training.status == Status.FAILED and "CUDA out of memory" in training.error_message


def test_an_expired_result_leaves_the_decision_to_the_runners_report(fake_modal, student):
    training = training_submit(training_id=pending(student).pk)
    fake_modal.spawns[0].state = "expired"
    assert ModalBackend().status(training.backend_call_id).state == "unknown"
    assert training_poll(training=training).status == Status.QUEUED


def test_cancel_reaches_the_call(fake_modal, student):
    training = training_submit(training_id=pending(student).pk)
    ModalBackend().cancel(training.backend_call_id)
    assert fake_modal.spawns[0].cancelled


def test_an_app_that_is_not_deployed_fails_the_training_with_a_reason(fake_modal, student):
    fake_modal.deployed = False
    with pytest.raises(BackendRejected):
        ModalBackend().submit({"policy_type": "ACT"}, "key")
    training = training_submit(training_id=pending(student).pk)
    assert training.status == Status.FAILED and "modal deploy" in training.error_message


def test_a_transient_error_is_retried_then_succeeds_once(fake_modal, student, settings):
    settings.TRAINING_RESUBMIT_AFTER_SECONDS = 0  # the first attempt left no trace
    fake_modal.failures.append(modal.exception.ConnectionError("Modal is down"))
    training = pending(student)
    with pytest.raises(BackendUnavailable):
        ModalBackend().submit(payload_for(training), "k")
    fake_modal.failures.append(modal.exception.ConnectionError("Modal is down"))
    with pytest.raises(Retry):  # the task asks Celery to try again later, with backoff
        submit_training.apply(args=[training.pk])
    training.refresh_from_db()
    assert training.status == Status.PENDING
    submit_training.apply(args=[training.pk])  # the retry, after the outage
    training.refresh_from_db()
    assert training.status == Status.QUEUED
    assert (
        len(fake_modal.spawns) == 1 and training.backend_call_id == fake_modal.spawns[0].object_id
    )


def test_an_outage_leaves_the_training_pending_never_lost(fake_modal, student):
    fake_modal.failures.extend([modal.exception.ConnectionError("down")] * 20)
    training = pending(student)
    with pytest.raises(BackendUnavailable):
        training_submit(training_id=training.pk)
    training.refresh_from_db()
    assert (
        training.status == Status.PENDING
        and training.submit_key is not None
        and not fake_modal.spawns
    )


def test_a_worker_killed_after_modal_accepted_does_not_start_a_second_job(fake_modal, student):
    training = pending(student)
    # The first attempt stored its key, Modal accepted the job, then the worker died before
    # saving the call id.
    training.new_submit_key()
    training.submitted_at = timezone.now() - timedelta(hours=1)
    training.save()
    ModalBackend().submit(payload_for(training), str(training.submit_key))
    training = training_submit(training_id=training.pk)  # the retry
    assert len(fake_modal.spawns) == 1
    assert (
        training.status == Status.QUEUED
        and training.backend_call_id == fake_modal.spawns[0].object_id
    )


def test_a_recent_submission_without_trace_is_not_repeated_yet(fake_modal, student):
    training = pending(student)
    training.new_submit_key()
    training.submitted_at = timezone.now()
    training.save()
    assert training_submit(training_id=training.pk).status == Status.PENDING
    assert not fake_modal.spawns  # it may still show up; poll looks again later


def test_submitting_twice_starts_one_job(fake_modal, student):
    training = pending(student)
    training_submit(training_id=training.pk)
    training_submit(training_id=training.pk)
    assert len(fake_modal.spawns) == 1


@pytest.fixture
def modal_app(monkeypatch):
    """training/modal_app.py imported afresh (no network), with what it asked `app.function` for."""
    import importlib

    import training.modal_app

    asked = {}
    real = modal.App.function

    def function(self, **options):
        asked[options["name"]] = options
        return real(self, **options)

    monkeypatch.setattr(modal.App, "function", function)
    module = importlib.reload(training.modal_app)
    module.asked = asked
    return module


@pytest.mark.parametrize(
    ("policy", "gpu"), [("ACT", "A100-40GB"), ("ACT_BBOX", "A100-40GB"), ("GR00T", "A100-80GB")]
)
def test_the_backend_spawns_the_app_function_of_each_policy_on_its_gpu(
    fake_modal, student, settings, modal_app, policy, gpu
):
    training = TrainingFactory(student=student, status=Status.PENDING, policy_type=policy)
    training_submit(training_id=training.pk)
    call = fake_modal.spawns[0]
    assert (settings.MODAL_APP_NAME, settings.MODAL_SUBMISSIONS_DICT) == (
        modal_app.APP_NAME,
        modal_app.SUBMISSIONS_DICT,
    )
    function = modal_app.FUNCTIONS[policy]
    assert function._tag_ == call.function_name  # the name deployed is the name spawned
    spec = function._spec_
    assert spec.gpus == gpu and list(spec.scheduler_placement.regions) == ["eu"]
    assert [repr(secret) for secret in spec.secrets] == [
        "modal.Secret.from_name('edubotics-huggingface')"
    ]
    (path, volume), *others = spec.volumes.items()
    assert path == "/root/.cache/huggingface" and not others
    assert (
        repr(volume)
        == f"modal.Volume.from_name('edubotics-cache-{policy.lower().replace('_', '-')}')"
    )
    # Above the platform's 3-hour limit, so the platform fails an overrun training first.
    assert modal_app.asked[call.function_name]["timeout"] > settings.TRAINING_TIME_LIMIT_SECONDS


@pytest.mark.parametrize(
    ("policy", "gpu"), [("ACT", "A10G"), ("ACT_BBOX", "A10G"), ("GR00T", "L40S")]
)
def test_a_server_spawns_the_serving_function_of_its_gpu_in_the_eu(
    fake_modal, student, settings, modal_app, policy, gpu, django_capture_on_commit_callbacks
):
    training = TrainingFactory(
        student=student, status=Status.COMPLETED, policy_type=policy, hub_model_id="org/model"
    )
    with django_capture_on_commit_callbacks(execute=True):
        inference_server_start(actor=student, training=training)
    call = fake_modal.spawns[0]
    function = modal_app.SERVE_FUNCTIONS[gpu]
    assert function._tag_ == call.function_name  # the name deployed is the name spawned
    spec = function._spec_
    assert spec.gpus == gpu and list(spec.scheduler_placement.regions) == ["eu"]
    assert [repr(secret) for secret in spec.secrets] == [
        "modal.Secret.from_name('edubotics-huggingface')"
    ]
    # Above the platform's 2-hour lifetime, so the platform stops a server before Modal does.
    assert modal_app.asked[call.function_name]["timeout"] > settings.SERVER_LIFETIME_SECONDS
