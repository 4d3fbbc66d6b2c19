"""A training after its start: submitted at most once, followed, finished by the runner's reports, cancelled."""

import logging
import math
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Role, School

from ..backends import Backend, BackendRejected, BackendUnavailable, get_backend
from ..bbox import BBoxError
from ..costs import cost_for
from ..datasets import hub_store
from ..models import (
    FINISHED_STATUSES,
    Status,
    Training,
    new_callback_secret,
)
from .budget import budget_check, budget_reserve, budget_settle
from .rollup import training_rollup_add
from .start import check_limits, queue_submit

logger = logging.getLogger(__name__)


SUBMISSIONS_PER_ATTEMPT = 2  # the first, and one more if the job did not start


def _locked(training_id: int) -> Training:
    return Training.objects.select_for_update().select_related("school").get(pk=training_id)


def _set_status(training: Training, status: str, *, actor_label: str = "EduBotics", **fields):
    old = training.status
    training.status = status
    for name, value in fields.items():
        setattr(training, name, value)
    training.save()
    if old != status:
        audit_record(
            school=training.school,
            action=AuditAction.TRAINING_STATUS_CHANGED,
            actor_label=actor_label,
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
        training = _locked(training_id)
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
        if not training.submit_key:  # a lost submission goes again under its key
            training.new_submit_key()
        training.submitted_at = timezone.now()
        training.submissions = 1
        training.save(update_fields=["submit_key", "submitted_at", "submissions"])
    return _hand_over(training, backend)


def _hand_over(training: Training, backend: Backend) -> Training:
    """Submits the job under the stored key and saves its call id. The row lock orders this
    against a cancel: if the training ended meanwhile, the job just created is cancelled too."""
    try:
        call_id = backend.submit(payload_for(training), str(training.submit_key))
    except BackendRejected as error:
        return training_fail(training=training, reason=str(error))
    with transaction.atomic():
        training = _locked(training.pk)
        if training.status in FINISHED_STATUSES:
            training.backend_call_id = call_id
            training.save(update_fields=["backend_call_id"])
            _cancel_on_commit(call_id)
        elif not training.backend_call_id:
            _set_status(
                training,
                Status.QUEUED if training.status == Status.PENDING else training.status,
                backend_call_id=call_id,
                queued_at=training.queued_at or timezone.now(),
            )
    return training


def _cancel_on_commit(call_id: str):
    from ..tasks import cancel_call

    transaction.on_commit(lambda: cancel_call.delay(call_id))


def _resubmit_unstarted(training: Training, backend: Backend) -> Training:
    """A job that never started (no container, no runner): submitted once more under the same
    key, the old call cancelled first; the second time it fails with the reason."""
    if training.backend_call_id:
        try:
            backend.cancel(training.backend_call_id)  # unavailable: poll tries again later
        except BackendRejected:
            logger.warning("could not cancel %s", training.backend_call_id, exc_info=True)
    if training.submissions >= SUBMISSIONS_PER_ATTEMPT:
        return training_fail(
            training=training,
            reason=_(
                "The GPU job did not start within %(minutes)d minutes, also when submitted a second time. Please start the training again later."
            )
            % {"minutes": settings.TRAINING_RESUBMIT_AFTER_SECONDS // 60},
        )
    with transaction.atomic():
        training = _locked(training.pk)
        if training.status != Status.QUEUED or training.started_at:
            return training
        logger.warning("training %s did not start; submitting it again", training.pk)
        training.backend_call_id, training.queued_at = "", None
        training.submitted_at = timezone.now()
        training.submissions += 1
        training.save(update_fields=["backend_call_id", "queued_at", "submitted_at", "submissions"])
    return _hand_over(training, backend)


def training_fail(*, training: Training, reason: str, log_tail: str = "") -> Training:
    with transaction.atomic():
        training = _locked(training.pk)
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
    training_rollup_add(training=training)
    budget_settle(training=training)


REPORT_TYPES = ("started", "progress", "completed", "failed")


def _failure_reason(event: dict) -> str:
    """The runner's reason, in the student's language where the runner sent a known template."""
    template, params = event.get("error_template"), event.get("error_params")
    if template in BBoxError.TEMPLATES and isinstance(params, dict):
        try:
            return _(template) % params
        except (KeyError, TypeError, ValueError):
            pass  # a malformed report still fails the training, with the runner's own words
    return event.get("error") or _("The training failed.")


def _number(event: dict, name: str) -> float:
    value = event.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ApplicationError(
            _("A progress report needs numbers for step, total and loss (%(name)s is not one).")
            % {"name": name}
        )
    return value


def _parse_event(event) -> dict:
    """The runner's report, checked: a JSON object of a known type; progress with a whole step
    of 0 or more, a whole total of 1 or more and a finite loss. Anything else changes nothing."""
    if not isinstance(event, dict) or event.get("type") not in REPORT_TYPES:
        raise ApplicationError(_("A report is a JSON object with a known type."))
    if event["type"] in ("completed", "failed"):
        return _checked_end(event)
    if event["type"] != "progress":
        return event
    step, total, loss = (_number(event, name) for name in ("step", "total", "loss"))
    if step != int(step) or total != int(total) or step < 0 or total < 1:
        raise ApplicationError(
            _("A progress report needs a whole step of 0 or more and a whole total of 1 or more.")
        )
    return {**event, "step": int(step), "total": int(total), "loss": float(loss)}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_curve(curve) -> bool:
    """[[step, loss], …]."""
    return isinstance(curve, list) and all(
        isinstance(point, list) and len(point) == 2 and all(map(_is_number, point))
        for point in curve
    )


# What a completed or failed report may carry, in the shape the training keeps (absent is fine).
END_FIELDS = {
    "duration": lambda v: _is_number(v) and v >= 0,
    "metrics": lambda v: isinstance(v, dict) and _is_curve(v.get("loss_curve") or []),
    "hub_model_id": lambda v: (
        isinstance(v, str) and len(v) <= Training._meta.get_field("hub_model_id").max_length
    ),
    "log_tail": lambda v: isinstance(v, str),
    "error": lambda v: isinstance(v, str),
}


def _checked_end(event: dict) -> dict:
    for name, fits in END_FIELDS.items():
        if event.get(name) is not None and not fits(event[name]):
            raise ApplicationError(
                _("A %(type)s report has a malformed %(name)s.")
                % {"type": event["type"], "name": name}
            )
    return event


def training_record_event(*, training: Training, event) -> Training:
    """Applies a report from the runner. Late, repeated or replayed reports never undo anything:
    a finished training stays finished and progress never moves backwards."""
    event = _parse_event(event)
    with transaction.atomic():
        training = _locked(training.pk)
        if training.status in FINISHED_STATUSES:
            return training
        now, kind = timezone.now(), event["type"]
        if kind == "progress" and event["step"] < training.progress_step:
            return training  # an older report than the one already shown
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
            step, loss = event["step"], event["loss"]
            training.progress_step, training.progress_total = step, event["total"]
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
                error_message=_failure_reason(event),
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
        training = _locked(training.pk)
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
        # Without a call id yet, the submission under way sees the cancel and stops its job.
        if training.backend_call_id:
            _cancel_on_commit(training.backend_call_id)
    return training


def training_poll(*, training: Training) -> Training:
    """Follows one active training: backend state, time limit, lost or never-started jobs."""
    now = timezone.now()
    overdue = training.submitted_at is not None and now - training.submitted_at > timedelta(
        seconds=settings.TRAINING_RESUBMIT_AFTER_SECONDS
    )
    if training.status == Status.AWAITING_APPROVAL:
        return training  # nothing runs until a teacher decides
    if training.status == Status.PENDING:
        if not training.off_peak and (training.submit_key is None or overdue):
            return training_submit(training_id=training.pk)
        return training
    backend = get_backend()
    # Queued is not started: Modal reports a call that waits for a container as running.
    started = training.status != Status.QUEUED or backend.started(str(training.submit_key))
    if not started and overdue:
        return _resubmit_unstarted(training, backend)
    if not training.backend_call_id:
        return training
    limit = timedelta(
        seconds=settings.TRAINING_TIME_LIMIT_SECONDS + settings.TRAINING_LIMIT_MARGIN_SECONDS
    )
    began = training.started_at or training.queued_at
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
    if status.state in ("completed", "failed") and status.result:
        try:
            return training_record_event(training=training, event=status.result)
        except ApplicationError:  # the job's own result is unreadable: it cannot have succeeded
            return training_fail(
                training=training, reason=_("The job ended with a result that cannot be read.")
            )
    if status.state == "failed":
        return training_fail(
            training=training,
            reason=status.error or _("The training failed."),
            log_tail=(status.result or {}).get("log_tail", ""),
        )
    if status.state == "running" and training.status == Status.QUEUED and started:
        with transaction.atomic():
            locked = _locked(training.pk)
            if locked.status == Status.QUEUED:
                _set_status(locked, Status.RUNNING, started_at=locked.started_at or now)
            return locked
    return training


def training_retry(*, training: Training, staff_label: str) -> Training:
    """EduBotics staff start a failed training again as a new attempt: the school's limits are
    checked as for a new start, and everything the old attempt left is reset (its times, its
    job, its reports; a new callback secret, so the old job's late reports are refused)."""
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=training.school_id)
        training = _locked(training.pk)
        if training.status != Status.FAILED:
            raise ApplicationError(_("Only failed trainings can be retried."))
        if training.student is None:
            raise ApplicationError(_("The student of this training was erased."))
        check_limits(school, training.student, training.off_peak)
        budget_check(
            school=school,
            classroom=training.classroom,
            amount=training.cost_estimate_eur or Decimal(0),
        )
        _set_status(
            training,
            Status.PENDING,
            actor_label=staff_label,
            submit_key=None,
            submitted_at=None,
            submissions=0,
            backend_call_id="",
            callback_secret=new_callback_secret(),
            queued_at=None,
            started_at=None,
            completed_at=None,
            last_event_at=None,
            duration_seconds=None,
            cost_eur=None,
            progress_step=0,
            latest_loss=None,
            loss_curve=[],
            metrics={},
            hub_model_id="",
            error_message="",
            log_tail="",
        )
        budget_reserve(training=training)
        if not training.off_peak:
            queue_submit(training)
    return training


def trainings_release_off_peak(*, limit: int) -> list[int]:
    """The nightly window: queue waiting off-peak trainings, a bounded batch. Assignment
    trainings go first, soonest due first (a due date is required, so free practice, without
    one, comes last), then the oldest."""
    ids = list(
        Training.objects.filter(status=Status.PENDING, off_peak=True)
        .order_by(F("assignment__due_at").asc(nulls_last=True), "created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    Training.objects.filter(pk__in=ids).update(off_peak=False)
    from ..tasks import submit_training

    for pk in ids:
        submit_training.delay(pk)
    return ids
