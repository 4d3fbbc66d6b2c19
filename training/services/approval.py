"""A teacher's decision on a student's training that costs more than the school's approval
threshold: approved, it starts (or waits for the night); declined, it ends with the reason and
its reservation is refunded."""

from django.db import transaction
from django.utils.translation import gettext as _

from schools.access import classrooms_taught_by
from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Classroom, Membership, Role

from ..models import Status, Training
from .lifecycle import _finish, _locked, _set_status
from .start import queue_submit


def _check_decider(actor: Membership, training: Training) -> Training:
    if actor.role == Role.STUDENT:
        raise ApplicationError(_("Only teachers approve trainings."))
    taught = Classroom.objects.for_school(actor.school).filter(classrooms_taught_by(actor))
    if actor.role == Role.TEACHER and not taught.filter(pk=training.classroom_id).exists():
        raise ApplicationError(_("Only a teacher of the training's classroom decides on it."))
    locked = _locked(training.pk)
    if locked.status != Status.AWAITING_APPROVAL:
        raise ApplicationError(
            _("This training is no longer waiting for approval (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def training_approve(*, actor: Membership, training: Training) -> Training:
    with transaction.atomic():
        training = _check_decider(actor, training)
        _set_status(training, Status.PENDING, actor_label=str(actor.user))
        audit_record(
            school=training.school,
            action=AuditAction.TRAINING_APPROVED,
            actor=actor,
            target=training,
            data={"estimate_eur": str(training.cost_estimate_eur)},
        )
        if not training.off_peak:
            queue_submit(training)
    return training


def training_decline(*, actor: Membership, training: Training, reason: str) -> Training:
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            _("Please say why, so the student can change the training."), field="reason"
        )
    with transaction.atomic():
        training = _check_decider(actor, training)
        _finish(
            training,
            Status.CANCELLED,
            error_message=_("Declined by %(teacher)s: %(reason)s")
            % {"teacher": str(actor.user), "reason": reason},
        )
        audit_record(
            school=training.school,
            action=AuditAction.TRAINING_DECLINED,
            actor=actor,
            target=training,
            data={"reason": reason},
        )
    return training
