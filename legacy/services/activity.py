"""The steps after the people: trainings, AI control sessions with their ratings, inference
servers, the audit log, and the classroom analytics (which are computed here, not stored)."""

import ipaddress
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from schools.models import AuditEvent, Membership
from training.costs import GPU_EUR_PER_HOUR, SERVE_GPU_FOR_POLICY
from training.models import (
    ControlSession,
    InferenceServer,
    PolicyType,
    ServerStatus,
    Status,
    Training,
)

from ..source import Skip, SourceRow
from .run import ImportRun

# Both spellings the earlier app wrote; a training still running at the export cannot be
# followed from here (its job belongs to the earlier system), so it arrives failed, saying so.
TRAINING_STATUSES = {
    "completed": Status.COMPLETED,
    "succeeded": Status.COMPLETED,
    "failed": Status.FAILED,
    "cancelled": Status.CANCELLED,
    "canceled": Status.CANCELLED,
    "pending": Status.FAILED,
    "running": Status.FAILED,
}
UNFINISHED = {"pending", "running"}
ACTOR_LABEL = "Supabase"
# A server the earlier system still ran at the export is not ours to follow: it arrives stopped.
SERVER_STATUSES = {
    "stopped": ServerStatus.STOPPED,
    "error": ServerStatus.ERROR,
    "starting": ServerStatus.STOPPED,
    "running": ServerStatus.STOPPED,
    "stopping": ServerStatus.STOPPED,
}


def _legacy_id(row: SourceRow) -> str:
    legacy_id = row.uuid("id")
    if legacy_id is None:
        raise Skip(_("malformed id"))
    return legacy_id


def _member(run: ImportRun, row: SourceRow, column: str = "user_id") -> int:
    member = run.lookup("users", Membership, row.text(column))
    if member is None:
        raise Skip(
            _("missing reference: %(column)s %(id)s")
            % {"column": column, "id": row.text(column) or "NULL"}
        )
    return member


def _checked_length(value: str | None, column: str, model, field: str) -> str:
    value = value or ""
    if len(value) > model._meta.get_field(field).max_length:
        raise Skip(_("%(column)s is too long") % {"column": column})
    return value


def _import_rows(run: ImportRun, table: str, rows: list[SourceRow], model, fields) -> list:
    """Builds one object per new, valid row (``fields`` raises ``Skip``) and saves them in bulk:
    no signals (the earlier events are not news) and the earlier times kept."""
    report = run.table(table, rows)
    # auto_now_add stamps "now" on the way in: the earlier times are put back after the insert.
    times = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    seen, objects = {}, []
    for row in rows:
        try:
            legacy_id = _legacy_id(row)
            if legacy_id in seen:
                raise Skip(_("duplicate id (line %(line)d)") % {"line": seen[legacy_id]})
            seen[legacy_id] = row.line
            if run.lookup(table, model, legacy_id) is not None:
                report.already_imported += 1
                continue
            values = fields(run, row)
            earlier = {name: values.pop(name) for name in times}
            objects.append((legacy_id, model(school=run.school, **values), earlier))
        except Skip as reason:
            report.skip(row, reason)
    saved = model.objects.bulk_create([obj for _id, obj, _times in objects])
    for legacy_id, obj, earlier in objects:
        for name, value in earlier.items():
            setattr(obj, name, value)
        run.record(table, legacy_id, obj)
    if times and saved:
        model.objects.bulk_update(saved, times)
    report.imported = len(saved)
    run.flush()
    return saved


def training_fields(run: ImportRun, row: SourceRow) -> dict:
    status = (row.text("status") or "").lower()
    if status not in TRAINING_STATUSES:
        raise Skip(_("unknown status “%(status)s”") % {"status": row.text("status")})
    policy = row.text("model_type")
    if policy not in PolicyType.values:
        raise Skip(_("unknown model type “%(type)s”") % {"type": policy})
    student = _member(run, row)
    error = row.text("error_message") or ""
    if status in UNFINISHED:
        error = error or _("Still unfinished when the earlier system was exported.")
    model_name = _checked_length(row.text("model_name"), "model_name", Training, "model_name")
    if _someone_elses_model(run, model_name):
        raise Skip(_("the model belongs to another school"))
    metrics = row.json("metrics")
    return {
        "student_id": student,
        "classroom_id": run.student_classrooms.get(student),
        "model_name": model_name,
        "hub_model_id": model_name if status in ("completed", "succeeded") else "",
        "dataset": _checked_length(row.text("dataset_name"), "dataset_name", Training, "dataset"),
        "policy_type": policy,
        "status": TRAINING_STATUSES[status],
        "region": _checked_length(row.text("region") or "eu", "region", Training, "region"),
        "gpu_type": _checked_length(
            row.text("gpu_type") or "A100-40GB", "gpu_type", Training, "gpu_type"
        ),
        "duration_seconds": row.integer("training_duration"),
        "cost_estimate_eur": row.decimal("cost_estimate"),
        "created_at": row.created_at(),
        "started_at": row.timestamp("started_at"),
        "completed_at": row.timestamp("completed_at"),
        "error_message": error,
        "metrics": metrics if isinstance(metrics, dict) else {},
        "loss_curve": (metrics or {}).get("loss_curve", []) if isinstance(metrics, dict) else [],
    }


def control_session_fields(run: ImportRun, row: SourceRow) -> dict:
    training = run.lookup("trainings", Training, row.uuid("training_id"))
    if training is None:
        raise Skip(
            _("missing reference: training_id %(id)s") % {"id": row.text("training_id") or "NULL"}
        )
    rating = row.integer("rating")
    if rating is not None and not 1 <= rating <= 5:
        raise Skip(_("rating %(rating)d out of range 1–5") % {"rating": rating})
    started, duration = row.created_at(), row.integer("duration")
    data = row.json("session_data")
    return {
        "student_id": _member(run, row),
        "training_id": training,
        "started_at": started,
        "ended_at": started + timedelta(seconds=duration or 0),
        "duration_seconds": duration,
        "data": data if data is not None else {},
        "feedback": row.text("feedback") or "",
        "rating": rating,
    }


def server_fields(run: ImportRun, row: SourceRow) -> dict:
    status = (row.text("status") or "").lower()
    if status not in SERVER_STATUSES:
        raise Skip(_("unknown status “%(status)s”") % {"status": row.text("status")})
    # The earlier table names the model, not the training: the school's training of that name.
    training = (
        Training.objects.for_school(run.school)
        .filter(model_name=row.text("model_name") or "")
        .values("pk", "policy_type")
        .first()
    )
    if training is None:
        raise Skip(
            _("missing reference: model_name %(name)s") % {"name": row.text("model_name") or "NULL"}
        )
    gpu = SERVE_GPU_FOR_POLICY[training["policy_type"]]
    per_hour = row.decimal("cost_estimate")
    per_hour = GPU_EUR_PER_HOUR[gpu] if per_hour is None else per_hour
    started = row.created_at()
    stopped = row.timestamp("stopped_at") or started
    hours = Decimal(max(0, (stopped - started).total_seconds())) / 3600
    return {
        "training_id": training["pk"],
        "started_by_id": _member(run, row),
        "status": SERVER_STATUSES[status],
        "backend_call_id": _checked_length(
            row.text("server_id"), "server_id", InferenceServer, "backend_call_id"
        ),
        "gpu_type": gpu,
        "region": _checked_length(row.text("region") or "eu", "region", InferenceServer, "region"),
        "cost_per_hour_eur": per_hour,
        "cost_eur": (per_hour * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        "created_at": started,
        "stopped_at": stopped,
        "stop_reason": (
            _("Still running when the earlier system was exported.")
            if status in ("starting", "running", "stopping")
            else ""
        ),
    }


def _someone_elses_model(run: ImportRun, model_name: str) -> bool:
    """A Hub repository EduBotics made, or another school's model: the school's export cannot
    make it the school's (its files and erasure would follow)."""
    return model_name.startswith(f"{settings.HF_ORG}/") or model_name in run.others_models


def audit_event_fields(run: ImportRun, row: SourceRow) -> dict:
    actor = _member(run, row) if row.text("user_id") else None
    ip = row.text("ip_address")
    if ip:
        try:
            ip = str(ipaddress.ip_address(ip.split("/")[0]))  # inet may carry a mask
        except ValueError:
            raise Skip(_("malformed IP address")) from None
    details = row.json("details")
    data = details if isinstance(details, dict) else {"details": details}
    if row.text("user_agent"):
        data = {**data, "user_agent": row.text("user_agent")}
    return {
        "actor_id": actor,
        "actor_label": ACTOR_LABEL,
        "action": _checked_length(row.text("action"), "action", AuditEvent, "action"),
        "object_type": _checked_length(
            row.text("resource_type"), "resource_type", AuditEvent, "object_type"
        ),
        "object_id": _checked_length(
            row.text("resource_id"), "resource_id", AuditEvent, "object_id"
        ),
        "data": data,
        "ip_address": ip,
        "created_at": row.created_at(),
    }


def legacy_trainings_import(*, run: ImportRun, rows: list[SourceRow]) -> None:
    names = {row.text("model_name") for row in rows}
    run.others_models = set(
        Training.objects.exclude(school=run.school)
        .filter(hub_model_id__in=names)
        .values_list("hub_model_id", flat=True)
    )
    _import_rows(run, "trainings", rows, Training, training_fields)


def legacy_control_sessions_import(*, run: ImportRun, rows: list[SourceRow]) -> None:
    _import_rows(run, "ai_control_sessions", rows, ControlSession, control_session_fields)


def legacy_servers_import(*, run: ImportRun, rows: list[SourceRow]) -> None:
    _import_rows(run, "servers", rows, InferenceServer, server_fields)


def legacy_audit_log_import(*, run: ImportRun, rows: list[SourceRow]) -> None:
    _import_rows(run, "audit_log", rows, AuditEvent, audit_event_fields)


def legacy_classroom_analytics_import(*, run: ImportRun, rows: list[SourceRow]) -> None:
    """Progress and completion rates are computed from the trainings here: nothing to keep."""
    report = run.table("classroom_analytics", rows)
    if rows:
        report.notes.append(
            _("Not imported: the dashboards compute progress from the imported trainings.")
        )
