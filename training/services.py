"""Every write to a training: start (with the school's limits), submit, follow, cancel, finish."""

import logging
import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schools.access import classrooms_taught_by
from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Classroom, Membership, Restriction, Role, School

from .backends import BackendRejected, BackendUnavailable, get_backend
from .costs import DEFAULT_GPU, cost_for, estimate
from .datasets import dataset_check, hub_store, model_repo_id
from .models import ACTIVE_STATUSES, FINISHED_STATUSES, ControlSession, PolicyType, Status, Training

logger = logging.getLogger(__name__)
STUDENT_ACTIVE_LIMIT = 2


def month_start(school: School, now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(school.time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(school: School, now: datetime | None = None) -> datetime:
    start = month_start(school, now)
    return (start + timedelta(days=32)).replace(day=1)


def trainings_counted_this_month(school: School, now: datetime | None = None):
    """What counts against the quota: trainings that ran (completed, or cancelled after they
    started running). Failed ones and ones cancelled before they ran do not."""
    return Training.objects.for_school(school).filter(
        Q(status=Status.COMPLETED) | Q(status=Status.CANCELLED, started_at__isnull=False),
        started_at__gte=month_start(school, now),
    )


def default_parameters(policy: str, cameras: int, steps, batch_size, epochs):
    """Defaults derived from the dataset, for what the student left empty."""
    if policy == PolicyType.GR00T:
        return None, batch_size or 64, epochs or 10
    batch = batch_size or max(1, 120 // max(cameras, 1))
    return steps or min(800_000 // batch, 8_000), batch, None


def _check_student(actor: Membership, student: Membership, classroom: Classroom | None):
    if (
        student.school_id != actor.school_id
        or student.role != Role.STUDENT
        or not student.is_active
    ):
        raise ApplicationError(_("Trainings are started for active students of this school."))
    if actor.role == Role.STUDENT and actor.pk != student.pk:
        raise ApplicationError(_("Students start their own trainings."))
    if actor.role == Role.TEACHER:
        taught = Classroom.objects.for_school(actor.school).filter(classrooms_taught_by(actor))
        if not student.enrollments.filter(classroom__in=taught).exists():
            raise ApplicationError(
                _("Teachers start trainings for students of their own classrooms.")
            )
    if classroom is not None and not classroom.enrollments.filter(student=student).exists():
        raise ApplicationError(_("The student is not in this classroom."), field="classroom")


def _check_limits(school: School, student: Membership, off_peak: bool):
    """Inside the transaction that locked the school row: no start slips past a limit."""
    if reason := school.restriction():
        raise ApplicationError(
            _(
                "%(reason)s New trainings cannot start until a school admin chooses a package under Billing."
            )
            % {"reason": Restriction(reason).label}
        )
    trainings = Training.objects.for_school(school)
    used = trainings_counted_this_month(school).count()
    active = trainings.filter(status__in=ACTIVE_STATUSES)
    if used + active.count() >= school.monthly_training_quota:
        raise ApplicationError(
            _(
                "The school has used its %(quota)d trainings for this month (%(used)d ran, %(active)d waiting or running). More are possible from %(date)s."
            )
            % {
                "quota": school.monthly_training_quota,
                "used": used,
                "active": active.count(),
                "date": date_format(next_month_start(school), "DATE_FORMAT"),
            }
        )
    if not off_peak and active.filter(off_peak=False).count() >= school.concurrent_training_limit:
        raise ApplicationError(
            _(
                "%(limit)d trainings of this school are already waiting or running, the most at once. A slot frees up when one of them finishes; or queue this one for tonight."
            )
            % {"limit": school.concurrent_training_limit}
        )
    if active.filter(student=student).count() >= STUDENT_ACTIVE_LIMIT:
        raise ApplicationError(
            _(
                "%(name)s already has %(limit)d trainings waiting or running. Start the next one when one of them finishes."
            )
            % {
                "name": student.user.get_full_name() or student.user.username,
                "limit": STUDENT_ACTIVE_LIMIT,
            }
        )


def training_start(
    *,
    actor: Membership,
    student: Membership,
    dataset: str,
    policy_type: str,
    classroom: Classroom | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    epochs: int | None = None,
    learning_rate: float | None = None,
    object_description: str = "",
    off_peak: bool = False,
) -> Training:
    _check_student(actor, student, classroom)
    if policy_type == PolicyType.ACT_BBOX and not object_description.strip():
        raise ApplicationError(
            _("ACT with bounding boxes needs a short description of the object to detect."),
            field="object_description",
        )
    info = dataset_check(dataset)  # outside the lock: it asks the Hub
    steps, batch_size, epochs = default_parameters(
        policy_type, info.cameras, steps, batch_size, epochs
    )
    guess = estimate(
        policy=policy_type, steps=steps, batch_size=batch_size, epochs=epochs, frames=info.frames
    )
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=actor.school_id)
        _check_limits(school, student, off_peak)
        short_id = uuid.uuid4().hex[:8]
        classroom = (
            classroom
            or Classroom.objects.for_school(school).filter(enrollments__student=student).first()
        )
        training = Training.objects.create(
            school=school,
            student=student,
            classroom=classroom,
            started_by=actor,
            dataset=info.repo_id,
            policy_type=policy_type,
            object_description=object_description.strip(),
            steps=steps,
            batch_size=batch_size,
            epochs=epochs,
            learning_rate=learning_rate,
            off_peak=off_peak,
            model_name=model_repo_id(
                school_slug=school.slug, policy=policy_type, short_id=short_id
            ),
            progress_total=steps or epochs or 0,
            gpu_type=DEFAULT_GPU,
            cost_estimate_eur=guess.cost_eur,
        )
        audit_record(
            school=school,
            action=AuditAction.TRAINING_CREATED,
            actor=actor,
            target=training,
            data={"policy": policy_type, "dataset": info.repo_id},
        )
        if not off_peak:
            _queue_submit(training)
    return training


def _queue_submit(training: Training):
    from .tasks import (
        submit_training,  # tasks import services; the queueing goes the other way once
    )

    transaction.on_commit(lambda: submit_training.delay(training.pk))


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
            from .tasks import cancel_call

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
    from .tasks import submit_training

    for pk in ids:
        submit_training.delay(pk)
    return ids


def control_session_open(*, actor: Membership, training: Training) -> ControlSession:
    """A student starts running one of their finished models on a robot."""
    if actor.role != Role.STUDENT or training.student_id != actor.pk:
        raise ApplicationError(_("Students run their own models."))
    if training.status != Status.COMPLETED:
        raise ApplicationError(_("Only a finished model can run on a robot."))
    return ControlSession.objects.create(school=actor.school, student=actor, training=training)


@transaction.atomic
def control_session_close(
    *,
    actor: Membership,
    session: ControlSession,
    rating: int | None = None,
    feedback: str = "",
    data: dict | None = None,
) -> ControlSession:
    session = ControlSession.objects.select_for_update().get(pk=session.pk)
    if session.ended_at:
        raise ApplicationError(_("This session is already closed."))
    now = timezone.now()
    session.ended_at, session.duration_seconds = (
        now,
        int((now - session.started_at).total_seconds()),
    )
    session.rating, session.feedback, session.data = rating, feedback.strip(), data or {}
    session.save()
    if rating is not None:
        audit_record(
            school=actor.school,
            action=AuditAction.MODEL_RATED,
            actor=actor,
            target=session,
            data={"rating": rating, "policy": session.training.policy_type},
        )
    return session
