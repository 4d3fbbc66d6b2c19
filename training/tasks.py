"""Celery tasks: take ids, re-load, call one service. Safe to run twice; retried with backoff on
transient backend errors only."""

from celery import shared_task
from django.conf import settings

from schools.errors import ApplicationError

from .backends import BackendUnavailable, get_backend
from .selectors import active_servers, active_trainings
from .services.lifecycle import training_poll, training_submit, trainings_release_off_peak
from .services.servers import (
    inference_server_finish_stop,
    inference_server_follow,
    inference_server_submit,
)
from .services.sessions import control_sessions_close_stale

RETRY = {
    "autoretry_for": (BackendUnavailable,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 12,
    "acks_late": True,
}


@shared_task(**RETRY)
def submit_training(training_id: int):
    training_submit(training_id=training_id)


@shared_task(**RETRY)
def cancel_call(call_id: str):
    get_backend().cancel(call_id)


@shared_task(acks_late=True)
def poll_trainings():
    """Every 30 s (beat): follow every active training until it ends."""
    for training in active_trainings():
        try:
            training_poll(training=training)
        except BackendUnavailable:
            continue  # the next poll tries again


@shared_task(acks_late=True)
def release_off_peak():
    """02:00 Europe/Berlin (beat): the nightly window for off-peak trainings."""
    return trainings_release_off_peak(limit=settings.OFF_PEAK_BATCH)


@shared_task(acks_late=True)
def close_stale_control_sessions():
    """Hourly (beat): sessions open for more than 12 hours end without a rating."""
    return control_sessions_close_stale()


@shared_task(**RETRY)
def submit_server(server_id: int):
    inference_server_submit(server_id=server_id)


@shared_task(**RETRY)
def finish_server_stop(server_id: int):
    inference_server_finish_stop(server_id=server_id)


@shared_task(acks_late=True)
def follow_servers():
    """Every 30 s (beat): follow every active inference server until it has stopped."""
    for server in active_servers():
        try:
            inference_server_follow(server=server)
        except (BackendUnavailable, ApplicationError):
            continue  # the backend is away, or someone stopped it meanwhile: look again later
