"""AI control sessions: a student runs a finished model on a robot and rates it."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Role

from ..models import ControlSession, Status, Training
from ..selectors import stale_control_sessions

RATED_A_SUCCESS = 4  # a session rated 4 or 5 counts as a success


def _model_rated(training_id, rating: int) -> None:
    """Adds a rating to the model's sums on its row (the library's numbers)."""
    rated = F("rated_count") + 1
    total = F("rating_total") + rating
    Training.objects.filter(pk=training_id).update(
        rated_count=rated,
        rating_total=total,
        success_count=F("success_count") + int(rating >= RATED_A_SUCCESS),
        average_rating=Cast(total, FloatField()) / rated,
    )


@transaction.atomic
def control_session_open(*, actor: Membership, training: Training) -> ControlSession:
    """A student starts running one of their finished models on a robot."""
    if actor.role != Role.STUDENT or training.student_id != actor.pk:
        raise ApplicationError(_("Students run their own models."))
    if training.status != Status.COMPLETED:
        raise ApplicationError(_("Only a finished model can run on a robot."))
    session = ControlSession.objects.create(school=actor.school, student=actor, training=training)
    Training.objects.filter(pk=training.pk).update(session_count=F("session_count") + 1)
    return session


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
        _model_rated(session.training_id, rating)
        audit_record(
            school=actor.school,
            action=AuditAction.MODEL_RATED,
            actor=actor,
            target=session,
            data={"rating": rating, "policy": session.training.policy_type},
        )
    return session


@transaction.atomic
def control_session_add_data(
    *, actor: Membership, session: ControlSession, data: dict
) -> ControlSession:
    """The robot app sends what it recorded while the session runs; keys sent again replace
    the earlier values."""
    session = ControlSession.objects.select_for_update().get(pk=session.pk)
    if session.student_id != actor.pk:
        raise ApplicationError(_("Only the student who runs the session adds its data."))
    if session.ended_at:
        raise ApplicationError(_("This session is closed; its data can no longer change."))
    session.data = {**session.data, **data}
    session.save(update_fields=["data"])
    return session


def control_sessions_close_stale(*, now=None) -> int:
    """Sessions left open longer than CONTROL_SESSION_MAX_HOURS end without a rating (the robot
    app crashed or the student went home). Each row is locked, so a student closing the same
    session at that moment keeps their rating."""
    now = now or timezone.now()
    closed = 0
    cutoff = now - timedelta(hours=settings.CONTROL_SESSION_MAX_HOURS)
    for session_id in stale_control_sessions(opened_before=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            session = (
                ControlSession.objects.select_for_update()
                .filter(pk=session_id, ended_at__isnull=True)
                .first()
            )
            if session is None:
                continue
            session.ended_at = now
            session.duration_seconds = int((now - session.started_at).total_seconds())
            session.save(update_fields=["ended_at", "duration_seconds"])
            closed += 1
    return closed
