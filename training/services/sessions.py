"""AI control sessions: a student runs a finished model on a robot and rates it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Role

from ..models import ControlSession, Status, Training


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
