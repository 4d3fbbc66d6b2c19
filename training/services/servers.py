"""Inference servers: started within the school's limits, followed until they stop (idle, too
old, a dead container, or someone's Stop), and charged to the school as they end."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Restriction, Role, School

from ..backends import BackendRejected, BackendUnavailable, get_backend
from ..costs import GPU_EUR_PER_HOUR, SERVE_GPU_FOR_POLICY, cost_for
from ..datasets import hub_store
from ..models import ACTIVE_SERVER_STATUSES, InferenceServer, ServerStatus, Status, Training
from .budget import budget_charge_server
from .rollup import server_rollup_add

logger = logging.getLogger(__name__)

DEMO_TRAINER = "builtin-mlp"  # the NumPy demo model: downloadable and rateable, not servable


def _locked(server_id: int) -> InferenceServer:
    # Only the server's row: a start holds the school row, a training's end its own row.
    return (
        InferenceServer.objects.select_for_update(of=("self",))
        .select_related("school", "training")
        .get(pk=server_id)
    )


def serving_obstacle(training: Training) -> str:
    """Why this model cannot be served here ("" when it can): the panel says it up front."""
    if training.status != Status.COMPLETED or not training.hub_model_id:
        return _("Only a finished training's model can be served.")
    if training.metrics.get("trainer") == DEMO_TRAINER:
        return _(
            "This is a small demo model (trained without LeRobot): it can be downloaded and rated, but not served."
        )
    return get_backend().serving_unavailable()


def _check_servable(actor: Membership, training: Training):
    if actor.role == Role.STUDENT and training.student_id != actor.pk:
        raise ApplicationError(_("Students serve only their own models."))
    if reason := serving_obstacle(training):
        raise ApplicationError(reason)


def _check_limits(school: School, actor: Membership):
    """Inside the transaction that locked the school row: no start slips past a limit."""
    if reason := school.restriction():
        raise ApplicationError(
            _("%(reason)s Inference servers cannot start until a school admin chooses a package.")
            % {"reason": Restriction(reason).label}
        )
    active = InferenceServer.objects.for_school(school).filter(status__in=ACTIVE_SERVER_STATUSES)
    if active.filter(started_by=actor).exists():
        raise ApplicationError(
            _("You already have an inference server. Stop it before you start another one.")
        )
    if active.count() >= school.concurrent_training_limit:
        raise ApplicationError(
            _(
                "%(limit)d inference servers of this school are already running, the most at once. One frees up when it stops."
            )
            % {"limit": school.concurrent_training_limit}
        )


def inference_server_start(*, actor: Membership, training: Training) -> InferenceServer:
    _check_servable(actor, training)
    gpu = SERVE_GPU_FOR_POLICY[training.policy_type]
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=actor.school_id)
        _check_limits(school, actor)
        server = InferenceServer.objects.create(
            school=school,
            training=training,
            started_by=actor,
            gpu_type=gpu,
            cost_per_hour_eur=GPU_EUR_PER_HOUR[gpu],
        )
        audit_record(
            school=school,
            action=AuditAction.SERVER_STARTED,
            actor=actor,
            target=server,
            data={"model": training.pk, "gpu": gpu},
        )
        from ..tasks import submit_server  # tasks import services; queueing goes back once

        transaction.on_commit(lambda: submit_server.delay(server.pk))
    return server


def payload_for(server: InferenceServer) -> dict:
    """What the serving process gets (as call arguments: never in a URL or a log line)."""
    return {
        "server_id": server.pk,
        "policy_type": server.training.policy_type,
        "model_repo_id": server.training.hub_model_id,
        "gpu": server.gpu_type,
        "hub": hub_store().config(),
        "server_secret": server.secret,
        "callback_url": settings.SITE_URL.rstrip("/")
        + reverse("api_inference_server_events", args=[server.pk]),
        "callback_secret": server.callback_secret,
        "activity_report_seconds": settings.SERVER_ACTIVITY_REPORT_SECONDS,
    }


def inference_server_submit(*, server_id: int) -> InferenceServer:
    """Hands a starting server to the backend, once: a retry finds the call by its key."""
    backend = get_backend()
    with transaction.atomic():
        server = _locked(server_id)
        if server.status != ServerStatus.STARTING or server.backend_call_id:
            return server
        call_id = backend.lookup(str(server.submit_key))
    if not call_id:
        try:
            call_id = backend.serve(payload_for(server), str(server.submit_key))
        except BackendRejected as error:
            logger.warning("server %s was refused: %s", server.pk, error)
            return _end(server, ServerStatus.ERROR, _("The GPU backend refused to start it."))
    with transaction.atomic():
        server = _locked(server_id)
        server.backend_call_id = call_id
        server.save(update_fields=["backend_call_id"])
        if server.status not in (ServerStatus.STARTING, ServerStatus.RUNNING):
            _cancel_on_commit(call_id)  # stopped while it was being submitted
    return server


def _cancel_on_commit(call_id: str):
    from ..tasks import cancel_call

    transaction.on_commit(lambda: cancel_call.delay(call_id))


def inference_server_charge(*, server: InferenceServer) -> None:
    """Where a server's GPU cost is recorded, once, in the transaction that ends it: the
    dashboard's day rollup and the school's GPU budget ledger."""
    server_rollup_add(server=server)
    budget_charge_server(
        school=server.school,
        seconds=int((server.stopped_at - server.created_at).total_seconds()),
        gpu=server.gpu_type,
        classroom=server.training.classroom,
        note=server.training.model_name,
    )


def _end(server: InferenceServer, status: str, reason: str):
    """Ends a server (in its own transaction when the caller has none): its cost is what the
    GPU ran, from the start to the stop (requested, or now)."""
    with transaction.atomic():
        server = _locked(server.pk)
        if server.status in (ServerStatus.STOPPED, ServerStatus.ERROR):
            return server
        server.stopped_at = server.stopped_at or timezone.now()
        seconds = int((server.stopped_at - server.created_at).total_seconds())
        server.status, server.stop_reason = status, server.stop_reason or reason
        server.cost_eur = cost_for(seconds, server.gpu_type)
        server.save()
        inference_server_charge(server=server)
        audit_record(
            school=server.school,
            action=AuditAction.SERVER_STOPPED,
            actor_label="EduBotics",
            target=server,
            data={"status": status, "seconds": seconds, "cost_eur": str(server.cost_eur)},
        )
    return server


def inference_server_stop(
    *,
    server: InferenceServer,
    actor: Membership | None = None,
    reason: str = "",
    staff_label: str = "",
) -> InferenceServer:
    """Asks the backend to stop a server (a member's Stop, staff, or the follower's limits):
    it is ``stopping`` at once, no longer charged, and ``stopped`` when its call has ended."""
    if actor is not None and actor.role == Role.STUDENT and server.started_by_id != actor.pk:
        raise ApplicationError(_("Students stop only their own inference servers."))
    with transaction.atomic():
        server = _locked(server.pk)
        if server.status not in (ServerStatus.STARTING, ServerStatus.RUNNING):
            raise ApplicationError(_("This inference server is already stopping or stopped."))
        if actor is not None:
            reason = _("Stopped by %(name)s.") % {"name": str(actor.user)}
        server.status, server.stopped_at = ServerStatus.STOPPING, timezone.now()
        server.stop_reason = reason or _("Stopped by EduBotics staff.")
        server.save(update_fields=["status", "stopped_at", "stop_reason"])
        audit_record(
            school=server.school,
            action=AuditAction.SERVER_STOPPED,
            actor=actor,
            actor_label=staff_label or ("" if actor else "EduBotics"),
            target=server,
            data={"status": ServerStatus.STOPPING},
        )
        from ..tasks import finish_server_stop

        transaction.on_commit(lambda: finish_server_stop.delay(server.pk))
    return server


def inference_server_finish_stop(*, server_id: int) -> InferenceServer:
    """Cancels a stopping server's call and marks it stopped (safe twice: cancel is)."""
    server = InferenceServer.objects.select_related("school").get(pk=server_id)
    if server.status != ServerStatus.STOPPING:
        return server
    if server.backend_call_id:
        get_backend().cancel(server.backend_call_id)  # unavailable: the task retries
    return _end(server, ServerStatus.STOPPED, server.stop_reason)


SERVER_REPORTS = ("running", "activity")


def inference_server_record_event(*, server: InferenceServer, event) -> InferenceServer:
    """A signed report from the serving process: its address once it listens, and that a client
    was active. Reports about a server that is stopping or stopped change nothing."""
    if not isinstance(event, dict) or event.get("type") not in SERVER_REPORTS:
        raise ApplicationError(_("A report is a JSON object with a known type."))
    address = event.get("address")
    if event["type"] == "running" and (not isinstance(address, str) or not 0 < len(address) < 200):
        raise ApplicationError(_("A running report needs the server's address."))
    with transaction.atomic():
        server = _locked(server.pk)
        if server.status not in (ServerStatus.STARTING, ServerStatus.RUNNING):
            return server
        now = timezone.now()
        if event["type"] == "running":
            server.status, server.address = ServerStatus.RUNNING, address
            server.running_at = server.running_at or now
        else:
            server.last_client_at = now
        server.save()
    return server


def _idle_since(server: InferenceServer) -> datetime | None:
    return server.last_client_at or server.running_at


def inference_server_follow(
    *, server: InferenceServer, now: datetime | None = None
) -> InferenceServer:
    """One look at an active server (beat, every 30 s): finish a stop, stop it when idle or too
    old, mark it stopped when its container died, or failed when it never came up."""
    now = now or timezone.now()
    if server.status == ServerStatus.STOPPING:
        return inference_server_finish_stop(server_id=server.pk)
    age = now - server.created_at
    if age > timedelta(seconds=settings.SERVER_LIFETIME_SECONDS):
        return inference_server_stop(
            server=server,
            reason=_("Stopped after %(hours)d hours, the longest a server runs.")
            % {"hours": settings.SERVER_LIFETIME_SECONDS // 3600},
        )
    idle = _idle_since(server)
    minutes = server.school.server_idle_minutes
    if idle and now - idle > timedelta(minutes=minutes):
        return inference_server_stop(
            server=server,
            reason=_("Stopped after %(minutes)d minutes without a connected robot.")
            % {"minutes": minutes},
        )
    if not server.backend_call_id:
        if age > timedelta(seconds=60):  # the submission was lost: hand it over again
            return inference_server_submit(server_id=server.pk)
        return server
    state = get_backend().status(server.backend_call_id)
    if state.state in ("completed", "failed"):
        logger.warning("server %s ended on the backend: %s", server.pk, state.error)
        return _end(server, ServerStatus.STOPPED, _("The server's container stopped unexpectedly."))
    if server.status == ServerStatus.STARTING and age > timedelta(
        seconds=settings.SERVER_START_LIMIT_SECONDS
    ):
        try:
            get_backend().cancel(server.backend_call_id)
        except (BackendUnavailable, BackendRejected):
            logger.warning("could not cancel %s", server.backend_call_id, exc_info=True)
        return _end(
            server,
            ServerStatus.ERROR,
            _("The server did not start within %(minutes)d minutes. Please try again later.")
            % {"minutes": settings.SERVER_START_LIMIT_SECONDS // 60},
        )
    return server
