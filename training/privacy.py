"""What the training app holds about a student, for the privacy registry (privacy.registry):
trainings with their metrics and Hub links, control sessions with ratings, and the audit events
about them; erasure keeps the trainings in the school's statistics without a person."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from schools.errors import ApplicationError
from schools.models import AuditEvent, Membership
from schools.privacy import audit_rows

from .datasets import hub_store
from .downloads import model_page_url
from .models import ACTIVE_SERVER_STATUSES, ControlSession, InferenceServer, Training

logger = logging.getLogger(__name__)


def export_member(membership: Membership) -> dict[str, list[dict]]:
    trainings = list(Training.objects.for_school(membership.school).filter(student=membership))
    sessions = ControlSession.objects.for_school(membership.school).filter(student=membership)
    servers = InferenceServer.objects.for_school(membership.school).filter(started_by=membership)
    events = AuditEvent.objects.for_school(membership.school).filter(
        Q(object_type="training", object_id__in=[str(t.pk) for t in trainings])
        | Q(object_type="controlsession", object_id__in=[str(s.pk) for s in sessions])
    )
    return {
        "trainings": [
            {
                "id": t.pk,
                "member_id": membership.pk,
                "model_name": t.model_name,
                "dataset": t.dataset,
                "policy_type": t.policy_type,
                "status": t.status,
                "steps": t.steps,
                "batch_size": t.batch_size,
                "epochs": t.epochs,
                "learning_rate": t.learning_rate,
                "latest_loss": t.latest_loss,
                "loss_curve": t.loss_curve,
                "metrics": t.metrics,
                "error": t.error_message,
                "hub_model": t.hub_model_id,
                "hub_link": model_page_url(t.hub_model_id),
                "created": t.created_at,
                "finished": t.completed_at,
                "duration_seconds": t.duration_seconds,
            }
            for t in trainings
        ],
        "control_sessions": [
            {
                "id": s.pk,
                "member_id": membership.pk,
                "training_id": s.training_id,
                "started": s.started_at,
                "ended": s.ended_at,
                "duration_seconds": s.duration_seconds,
                "rating": s.rating,
                "feedback": s.feedback,
                "data": s.data,
            }
            for s in sessions
        ],
        "inference_servers": [
            {
                "id": server.pk,
                "member_id": membership.pk,
                "training_id": server.training_id,
                "status": server.status,
                "gpu": server.gpu_type,
                "region": server.region,
                "started": server.created_at,
                "stopped": server.stopped_at,
                "cost_eur": server.cost_eur,
                "stop_reason": server.stop_reason,
            }
            for server in servers
        ],
        "audit_events": audit_rows(events.order_by("created_at")),
    }


def _delete_from_hub(models: list[str]) -> None:
    store = hub_store()
    for model_id in models:
        try:
            store.delete_model(model_id)
        except Exception:  # the erasure stands; staff delete what the Hub refused (logged)
            logger.exception("could not delete %s from the Hub", model_id)


def erase_member(membership: Membership, *, keep_hub_models: bool) -> None:
    """Trainings stay (the dashboards and the daily totals count them) without the student;
    what the student wrote goes; their models leave the Hub unless the admin keeps them."""
    servers = InferenceServer.objects.for_school(membership.school).filter(started_by=membership)
    if servers.filter(status__in=ACTIVE_SERVER_STATUSES).exists():
        raise ApplicationError(
            _("The student's inference server is still running: stop it on its model's page first.")
        )
    servers.delete()  # their GPU time stays in the school's daily totals and its GPU ledger
    trainings = Training.objects.for_school(membership.school).filter(student=membership)
    if not keep_hub_models:
        models = list(trainings.exclude(hub_model_id="").values_list("hub_model_id", flat=True))
        # After the commit: a rolled-back erasure must not have lost the models already.
        transaction.on_commit(lambda: _delete_from_hub(models))
        trainings.update(hub_model_id="")
    Training.objects.for_school(membership.school).filter(started_by=membership).update(
        started_by=None
    )
    trainings.update(student=None, log_tail="")
    ControlSession.objects.for_school(membership.school).filter(student=membership).update(
        student=None, feedback="", data={}
    )
