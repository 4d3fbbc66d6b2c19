"""A training after its start: submitted at most once, followed, finished by the runner's reports, cancelled."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Role

from ..backends import BackendRejected, BackendUnavailable, get_backend
from ..costs import cost_for
from ..datasets import hub_store
from ..models import (
    FINISHED_STATUSES,
    Status,
    Training,
)

logger = logging.getLogger(__name__)


def _set_status(training: Training, status: str, **fields):
    old = training.status
    training.status = status
    for name, value in fields.items():
        setattr(training, name, value)
    training.save()
    if old != status:
        audit_record(
            school=training.school,
            action=AuditAction.TRAINING_STATUS_CHANGED,
            actor_label="EduBotics",
            target=training,
            data={"from": old, "to": status},
        )


def payload_for(training: Training) -> dict:
    return {
        "training_id": training.pk,
        "policy_type": training.policy_type,
        "dataset": training.dataset,
        "steps": training.steps or training.epochs,
        "batch_size": training.batch_size,
        "epochs": training.epochs,
        "trainer": settings.LOCAL_TRAINER if settings.TRAINING_BACKEND == "local" else "lerobot",
        "learning_rate": training.learning_rate,
        "object_description": training.object_description,
        "model_repo_id": training.model_name,
        "hub": hub_store().config(),
        "callback_url": settings.SITE_URL.rstrip("/")
        + reverse("api_training_events", args=[training.pk]),
        "callback_secret": training.callback_secret,
    }


def training_submit(*, training_id: int) -> Training:
    """Hands a pending training to the GPU backend, at most once.

    The submission key is stored before the backend is asked; a retry after a crash looks the
    key up instead of submitting again, and only resubmits when no trace of it turned up.
    """
    with transaction.atomic():
        training = Training.objects.select_for_update().select_related("school").get(pk=training_id)
        if training.status != Status.PENDING or training.backend_call_id:
            return training
        backend = get_backend()
        if training.submit_key:
            call_id = backend.lookup(str(training.submit_key))
            if call_id:
                _set_status(
                    training, Status.QUEUED, backend_call_id=call_id, queued_at=timezone.now()
                )
                return training
            if timezone.now() - training.submitted_at < timedelta(
                seconds=settings.TRAINING_RESUBMIT_AFTER_SECONDS
            ):
                return training  # the first attempt may still show up; poll looks again
        training.new_submit_key()
        training.submitted_at = timezone.now()
        training.save(update_fields=["submit_key", "submitted_at"])
    try:
        call_id = backend.submit(payload_for(training), str(training.submit_key))
    except BackendRejected as error:
        return training_fail(training=training, reason=str(error))
    with transaction.atomic():
        training = Training.objects.select_for_update().select_related("school").get(pk=training_id)
        if not training.backend_call_id:
            _set_status(
                training,
                Status.QUEUED if training.status == Status.PENDING else training.status,
                backend_call_id=call_id,
                queued_at=training.queued_at or timezone.now(),
            )
    return training


def training_fail(*, training: Training, reason: str, log_tail: str = "") -> Training:
    with transaction.atomic():
        training = Training.objects.select_for_update().select_related("school").get(pk=training.pk)
        if training.status in FINISHED_STATUSES:
            return training
        _finish(
            training, Status.FAILED, error_message=reason, log_tail=log_tail or training.log_tail
        )
    return training


def _finish(training: Training, status: str, **fields):
    now = timezone.now()
    duration = fields.pop("duration", None)
    if duration is None and training.started_at:
        duration = int((now - training.started_at).total_seconds())
    cost = cost_for(duration, training.gpu_type) if duration and training.started_at else None
    _set_status(
        training, status, completed_at=now, duration_seconds=duration, cost_eur=cost, **fields
    )


def training_record_event(*, training: Training, event: dict) -> Training:
    """Applies a report from the runner. Late or repeated reports never undo a finished training."""
    with transaction.atomic():
        training = Training.objects.select_for_update().select_related("school").get(pk=training.pk)
        if training.status in FINISHED_STATUSES:
            return training
        now, kind = timezone.now(), event.get("type")
        training.last_event_at = now
        if training.status in (Status.PENDING, Status.QUEUED) and kind in ("started", "progress"):
            _set_status(
                training,
                Status.RUNNING,
                started_at=training.started_at or now,
                queued_at=training.queued_at or now,
                backend_call_id=training.backend_call_id or event.get("call_id", ""),
            )
        if kind == "progress":
            step, loss = int(event["step"]), float(event["loss"])
            training.progress_step, training.progress_total = (
                step,
                int(event.get("total") or training.progress_total),
            )
            training.latest_loss = loss
            if not training.loss_curve or training.loss_curve[-1][0] < step:
                training.loss_curve = [*training.loss_curve, [step, loss]]
            training.save()
        elif kind == "completed":
            metrics = dict(event.get("metrics") or {})
            curve = metrics.pop("loss_curve", None) or training.loss_curve
            training.started_at = training.started_at or now
            _finish(
                training,
                Status.COMPLETED,
                hub_model_id=event.get("hub_model_id", ""),
                metrics=metrics,
                loss_curve=curve,
                progress_step=training.progress_total,
                latest_loss=curve[-1][1] if curve else training.latest_loss,
                log_tail=event.get("log_tail", ""),
                duration=event.get("duration"),
            )
        elif kind == "failed":
            _finish(
                training,
                Status.FAILED,
                error_message=event.get("error") or _("The training failed."),
                log_tail=event.get("log_tail", ""),
                duration=event.get("duration"),
            )
        else:
            training.save(update_fields=["last_event_at"])
    return training


def training_cancel(
    *, training: Training, actor: Membership | None = None, staff_label: str = ""
) -> Training:
    """Stops a training (a member's own action, or EduBotics staff's with ``staff_label``)."""
    finished = _("This training has already finished (%(status)s).")
    if training.status in FINISHED_STATUSES:
        raise ApplicationError(finished % {"status": training.get_status_display()})
    if actor is not None and actor.role == Role.STUDENT and training.student_id != actor.pk:
        raise ApplicationError(_("Students cancel only their own trainings."))
    with transaction.atomic():
        training = Training.objects.select_for_update().select_related("school").get(pk=training.pk)
        if training.status in FINISHED_STATUSES:
            raise ApplicationError(finished % {"status": training.get_status_display()})
        _finish(training, Status.CANCELLED)
        audit_record(
            school=training.school,
            action=AuditAction.TRAINING_CANCELLED,
            actor=actor,
            actor_label=staff_label,
            target=training,
        )
        if training.backend_call_id:
            from ..tasks import cancel_call

            call_id = training.backend_call_id
            transaction.on_commit(lambda: cancel_call.delay(call_id))
    return training


def training_poll(*, training: Training) -> Training:
    """Follows one active training: backend state, time limit, lost submissions."""
    now = timezone.now()
    if training.status == Status.PENDING:
        if not training.off_peak and (
            training.submit_key is None
            or training.submitted_at
            < now - timedelta(seconds=settings.TRAINING_RESUBMIT_AFTER_SECONDS)
        ):
            return training_submit(training_id=training.pk)
        return training
    if not training.backend_call_id:
        return training
    limit = timedelta(
        seconds=settings.TRAINING_TIME_LIMIT_SECONDS + settings.TRAINING_LIMIT_MARGIN_SECONDS
    )
    began = training.started_at or training.queued_at
    backend = get_backend()
    if began and now - began > limit:
        try:
            backend.cancel(training.backend_call_id)
        except (BackendUnavailable, BackendRejected):
            logger.warning(
                "could not cancel %s on the backend", training.backend_call_id, exc_info=True
            )
        return training_fail(
            training=training,
            reason=_("The training ran longer than the 3-hour limit and was stopped."),
        )
    status = backend.status(training.backend_call_id)
    if status.state == "running" and training.status == Status.QUEUED:
        with transaction.atomic():
            locked = (
                Training.objects.select_for_update().select_related("school").get(pk=training.pk)
            )
            if locked.status == Status.QUEUED:
                _set_status(locked, Status.RUNNING, started_at=locked.started_at or now)
            return locked
    if status.state in ("completed", "failed") and status.result:
        return training_record_event(training=training, event=status.result)
    if status.state == "failed":
        return training_fail(
            training=training,
            reason=status.error or _("The training failed."),
            log_tail=(status.result or {}).get("log_tail", ""),
        )
    return training


def trainings_release_off_peak(*, limit: int) -> list[int]:
    """The nightly window: queue waiting off-peak trainings, oldest first, a bounded batch."""
    ids = list(
        Training.objects.filter(status=Status.PENDING, off_peak=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    Training.objects.filter(pk__in=ids).update(off_peak=False)
    from ..tasks import submit_training

    for pk in ids:
        submit_training.delay(pk)
    return ids
