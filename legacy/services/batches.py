"""Importing an export as one batch, checking a batch against its source, and undoing it."""

import contextlib
import hashlib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.admin.utils import NestedObjects
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, AuditEvent, Membership, School, User
from training.models import ControlSession, InferenceServer, Training
from training.services.rollup import training_rollup_rebuild

from ..models import ImportBatch, ImportedRow
from ..source import Skip, SourceRow, export_read
from ..tasks import send_password_mails
from .activity import (
    audit_event_fields,
    control_session_fields,
    legacy_audit_log_import,
    legacy_classroom_analytics_import,
    legacy_control_sessions_import,
    legacy_servers_import,
    legacy_trainings_import,
    server_fields,
    training_fields,
)
from .people import legacy_users_import, user_fields
from .run import ImportRun

# Each group is one transaction; a later group needs the earlier ones' rows.
GROUPS = (
    lambda run, tables: legacy_users_import(
        run=run, rows=tables.get("users", []), auth_rows=tables.get("auth_users", [])
    ),
    lambda run, tables: (
        legacy_trainings_import(run=run, rows=tables.get("trainings", [])),
        legacy_control_sessions_import(run=run, rows=tables.get("ai_control_sessions", [])),
        legacy_servers_import(run=run, rows=tables.get("servers", [])),
    ),
    lambda run, tables: (
        legacy_audit_log_import(run=run, rows=tables.get("audit_log", [])),
        legacy_classroom_analytics_import(run=run, rows=tables.get("classroom_analytics", [])),
    ),
)
# What --verify compares: per table, our model and the fields the step saves from a row.
VERIFIED = {
    "users": (User, lambda run, row: user_fields(row)),
    "trainings": (Training, training_fields),
    "ai_control_sessions": (ControlSession, control_session_fields),
    "servers": (InferenceServer, server_fields),
    "audit_log": (AuditEvent, audit_event_fields),
}
NOT_FROM_THE_SOURCE = {"classroom_id"}  # a student's classroom is ours, not the export's


def _lock_school(school: School) -> None:
    # Two imports into one school take turns, group by group: the second sees the first's rows.
    School.objects.select_for_update().filter(pk=school.pk).first()


def legacy_import(
    *,
    school: School,
    folder: Path,
    dry_run: bool,
    actor: Membership | None = None,
    actor_label: str = "",
) -> dict:
    """Imports the export in ``folder`` into ``school``; returns the report. A dry run does it all
    and rolls it back, so its report is the real run's."""
    if actor is not None and (actor.school_id != school.pk or not actor.is_admin):
        raise ApplicationError(_("Only the school's admins can import its earlier data."))
    tables = export_read(folder)
    # The real run commits group by group (a failure keeps what went before, and a second run
    # picks up the rest); the dry run is the same inside one transaction that is rolled back.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        batch = ImportBatch.objects.create(
            school=school,
            started_by=actor,
            started_by_label=actor_label or (str(actor.user) if actor else ""),
            source=folder.name,
        )
        run = ImportRun(school=school, batch=batch)
        for group in GROUPS:
            with transaction.atomic():
                _lock_school(school)
                run.reload()
                group(run, tables)
        report = run.report(dry_run=dry_run)
        with transaction.atomic():
            training_rollup_rebuild(school=school)  # the imported trainings join the dashboards
            batch.report, batch.finished_at = report, timezone.now()
            batch.save(update_fields=["report", "finished_at"])
            audit_record(
                school=school,
                action=AuditAction.LEGACY_IMPORTED,
                actor=actor,
                actor_label=actor_label,
                target=batch,
                data={name: table["imported"] for name, table in report["tables"].items()},
            )
            if not dry_run:
                transaction.on_commit(lambda: send_password_mails.delay(batch.pk))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


def _canonical(values: dict | None) -> str:
    return json.dumps(values, sort_keys=True, default=_plain, ensure_ascii=False)


def _checksum(lines: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for legacy_id in sorted(lines):
        digest.update(f"{legacy_id}\t{lines[legacy_id]}\n".encode())
    return digest.hexdigest()


def _batch(school: School, batch_id: int, *, for_update=False) -> ImportBatch:
    batches = ImportBatch.objects.for_school(school)
    batch = (batches.select_for_update() if for_update else batches).filter(pk=batch_id).first()
    if batch is None:
        raise ApplicationError(_("This school has no import %(batch)s.") % {"batch": batch_id})
    return batch


def legacy_verify(*, school: School, batch_id: int, folder: Path) -> dict:
    """Per table: the source's rows, what the batch imported and what of it is still here, and
    a checksum of the imported fields computed from the source and from our rows (equal when
    nothing was lost or changed); ``differing`` names the earlier ids that do not match."""
    batch = _batch(school, batch_id)
    tables = export_read(folder)
    run = ImportRun(school=school, batch=batch)
    result = {}
    for table, (model, fields) in VERIFIED.items():
        source = {}
        for row in tables.get(table, []):
            source.setdefault(row.text("id"), row)
        imported = dict(
            ImportedRow.objects.filter(batch=batch, table=table, created=True)
            .filter(content_type__app_label=model._meta.app_label)
            .filter(content_type__model=model._meta.model_name)
            .values_list("legacy_id", "object_id")
        )
        ours = model.objects.in_bulk([int(pk) for pk in imported.values()])
        expected, actual = {}, {}
        for legacy_id, object_id in imported.items():
            values = _source_values(run, fields, source.get(legacy_id))
            expected[legacy_id] = _canonical(values)
            obj = ours.get(int(object_id))
            actual[legacy_id] = _canonical(
                {key: getattr(obj, key) for key in values} if obj and values else None
            )
        result[table] = {
            "source_rows": len(tables.get(table, [])),
            "imported": len(imported),
            "still_here": len(ours),
            "source_checksum": _checksum(expected),
            "checksum": _checksum(actual),
            "differing": sorted(k for k in imported if expected[k] != actual[k]),
        }
    return result


def _source_values(run: ImportRun, fields, row: SourceRow | None) -> dict | None:
    if row is None:
        return None
    try:
        values = fields(run, row)
    except Skip:
        return None
    return {k: v for k, v in values.items() if k not in NOT_FROM_THE_SOURCE}


def _made_since(objects: list, ours: set[tuple[str, str]]) -> list:
    """What deleting ``objects`` would delete, block or change that is not the batch's own."""
    collector = NestedObjects(using="default")
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    for same_model in by_model.values():
        collector.collect(same_model)
    touched = [o for objs in collector.model_objs.values() for o in objs]
    for updates in collector.field_updates.values():
        touched.extend(o for objs in updates for o in objs)
    touched.extend(collector.protected)
    return [o for o in touched if (o._meta.label_lower, str(o.pk)) not in ours]


def _delete_newest_first(unit: list) -> Counter:
    """Deletes a unit's objects model by model, newest first (a child before its parent)."""
    removed, by_model = Counter(), {}
    for _row, obj in unit:  # newest first
        if obj is not None:
            by_model.setdefault(type(obj), []).append(obj.pk)
            removed[obj._meta.label_lower] += 1
    for model, pks in by_model.items():
        model._default_manager.filter(pk__in=pks).delete()
    return removed


def _label(obj) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


def _undo_unit_by_unit(units: dict, ours: set, removed: Counter, gone: list) -> list[dict]:
    """Removes each unit unless something made since needs it; returns what was kept, and why."""
    kept = []
    for (table, legacy_id), unit in units.items():
        objects = [obj for _row, obj in unit if obj is not None]
        if blockers := _made_since(objects, ours):
            ours.difference_update((o._meta.label_lower, str(o.pk)) for o in objects)
            kept.append(
                {
                    "table": table,
                    "id": legacy_id,
                    "kept": [_label(o) for o in objects],
                    "because": list(dict.fromkeys(_label(b) for b in blockers))[:3],
                }
            )
        else:
            removed.update(_delete_newest_first(unit))
            gone.extend(row.pk for row, obj in unit if obj is not None)
    return kept


def legacy_undo(
    *, school: School, batch_id: int, actor: Membership | None = None, actor_label: str = ""
) -> dict:
    """Removes what the batch created, newest first, except rows something made since depends
    on (a training of an imported student, a classroom's new enrollment …): those are kept and
    listed. Accounts it only linked stay as they were."""
    if actor is not None and (actor.school_id != school.pk or not actor.is_admin):
        raise ApplicationError(_("Only the school's admins can undo an import."))
    with transaction.atomic():
        _lock_school(school)
        batch = _batch(school, batch_id, for_update=True)
        if batch.undone_at:
            raise ApplicationError(_("This import was undone already."))
        rows = list(batch.rows.select_related("content_type").order_by("-pk"))
        ours = {(f"{r.content_type.app_label}.{r.content_type.model}", r.object_id) for r in rows}
        # What came from one earlier row (an account, its address, membership and enrollment)
        # goes or stays together, newest first.
        gone = [row.pk for row in rows if not row.created]  # only linked: the account stays
        found = {}
        for content_type in {row.content_type for row in rows}:
            pks = [int(r.object_id) for r in rows if r.content_type == content_type]
            found[content_type.pk] = content_type.model_class()._default_manager.in_bulk(pks)
        units: dict[tuple[str, str], list] = {}
        everything = [
            (row, found[row.content_type_id].get(int(row.object_id))) for row in rows if row.created
        ]
        for row, obj in everything:
            units.setdefault((row.table, row.legacy_id), []).append((row, obj))
        removed, kept = Counter(), []
        gone.extend(row.pk for row, obj in everything if obj is None)  # deleted by someone since
        if not _made_since([obj for _row, obj in everything if obj is not None], ours):
            # Nothing made since (the usual case): all at once, quickly.
            removed = _delete_newest_first(everything)
            gone.extend(row.pk for row, obj in everything if obj is not None)
        else:
            kept = _undo_unit_by_unit(units, ours, removed, gone)
        ImportedRow.objects.filter(pk__in=gone).delete()
        batch.undone_at = timezone.now()
        batch.save(update_fields=["undone_at"])
        training_rollup_rebuild(school=school)
        result = {"batch": batch.pk, "removed": dict(removed), "kept": kept}
        audit_record(
            school=school,
            action=AuditAction.LEGACY_IMPORT_UNDONE,
            actor=actor,
            actor_label=actor_label,
            target=batch,
            data={"removed": sum(removed.values()), "kept": len(kept)},
        )
    return result
