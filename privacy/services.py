"""Writes of the privacy app: data exports (requested, approved, built), erasure of a student,
and the nightly retention run that warns admins and then erases what is due."""

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schools.adapters import site_link
from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Membership, Role, School

from . import registry, selectors
from .models import DataExport, ErasureRequest, RetentionNotice

EXPORT_LIFETIME = timedelta(days=1)
RETENTION_NOTICE = timedelta(days=30)
RETENTION_LABEL = "retention"


def _subject_data(subject: Membership | None) -> dict:
    # Audit data names the student by id only: the log must not keep a name erasure removes.
    return {"member_id": subject.pk} if subject else {"whole_school": True}


def export_request(*, actor: Membership, subject: Membership | None) -> DataExport:
    """A teacher asks for a student's export (an admin approves it); an admin's own request is
    approved at once. Only admins export the whole school."""
    if actor.role == Role.STUDENT or (subject is None and not actor.is_admin):
        raise ApplicationError(_("Only school admins can export the whole school."))
    if subject is not None and subject.role != Role.STUDENT:
        raise ApplicationError(_("Exports are made for students or the whole school."))
    with transaction.atomic():
        export = DataExport.objects.create(school=actor.school, subject=subject, requested_by=actor)
        audit_record(
            school=actor.school,
            action=AuditAction.DATA_EXPORT_REQUESTED,
            actor=actor,
            target=subject,
            data=_subject_data(subject),
        )
        if actor.is_admin:
            export_approve(actor=actor, export=export)
    return export


@transaction.atomic
def export_approve(*, actor: Membership, export: DataExport) -> DataExport:
    from .tasks import build_export

    if not actor.is_admin:
        raise ApplicationError(_("Only school admins can approve exports."))
    export = DataExport.objects.select_for_update().get(pk=export.pk)
    if export.status != DataExport.Status.REQUESTED:
        raise ApplicationError(_("This export was already decided."))
    export.status, export.approved_by = DataExport.Status.APPROVED, actor
    export.save(update_fields=["status", "approved_by"])
    audit_record(
        school=actor.school,
        action=AuditAction.DATA_EXPORT_APPROVED,
        actor=actor,
        target=export.subject,
        data=_subject_data(export.subject),
    )
    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


@transaction.atomic
def export_reject(*, actor: Membership, export: DataExport) -> DataExport:
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins can approve exports."))
    export = DataExport.objects.select_for_update().get(pk=export.pk)
    if export.status != DataExport.Status.REQUESTED:
        raise ApplicationError(_("This export was already decided."))
    export.status = DataExport.Status.REJECTED
    export.save(update_fields=["status"])
    audit_record(
        school=actor.school,
        action=AuditAction.DATA_EXPORT_REJECTED,
        actor=actor,
        target=export.subject,
        data=_subject_data(export.subject),
    )
    return export


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value


def export_zip(tables: dict[str, list[dict]]) -> bytes:
    """Each table twice: ``<table>.json`` for programs, ``<table>.csv`` for spreadsheets."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in tables.items():
            archive.writestr(
                f"{table}.json",
                json.dumps(rows, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            )
            columns = list(dict.fromkeys(key for row in rows for key in row))
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
            # A byte-order mark, so that spreadsheet programs read the umlauts as UTF-8.
            archive.writestr(f"{table}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def export_build(*, export_id: int) -> None:
    """Collects every app's rows, person by person (the progress bar counts them), into a ZIP.
    Safe twice: a finished export is left alone."""
    export = DataExport.objects.select_related("school", "subject").get(pk=export_id)
    if export.status != DataExport.Status.APPROVED:
        return
    members = (
        [export.subject]
        if export.subject
        else list(Membership.objects.for_school(export.school).select_related("user", "school"))
    )
    export.total, export.done = len(members), 0
    export.save(update_fields=["total", "done"])
    tables = {
        "school": [
            {
                "id": export.school.pk,
                "name": export.school.name,
                "exported": timezone.now(),
                "retention_months": export.school.retention_months,
            }
        ]
    }
    for member in members:
        registry.export_member(member, tables)
        export.done += 1
        export.save(update_fields=["done"])
    with transaction.atomic():
        export.file.save("export.zip", ContentFile(export_zip(tables)), save=False)
        export.status, export.ready_at = DataExport.Status.READY, timezone.now()
        export.expires_at = export.ready_at + EXPORT_LIFETIME
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        audit_record(
            school=export.school,
            action=AuditAction.DATA_EXPORTED,
            actor=export.approved_by,
            target=export.subject,
            data=_subject_data(export.subject),
        )


@transaction.atomic
def erasure_request(*, actor: Membership, member: Membership) -> ErasureRequest:
    """A teacher asks the admins to erase a student of theirs; asking twice changes nothing."""
    if member.role != Role.STUDENT:
        raise ApplicationError(_("Only students' data is erased here."))
    request, created = ErasureRequest.objects.get_or_create(
        member=member, defaults={"school": actor.school, "requested_by": actor}
    )
    if created:
        audit_record(
            school=actor.school,
            action=AuditAction.ERASURE_REQUESTED,
            actor=actor,
            target=member,
            data={"member_id": member.pk},
        )
    return request


@transaction.atomic
def erasure_dismiss(*, actor: Membership, erasure: ErasureRequest) -> None:
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins can erase a student's data."))
    erasure.delete()


@transaction.atomic
def member_erase(
    *, actor: Membership | None, member: Membership, keep_hub_models: bool, actor_label=""
) -> None:
    """Erases a student for good: the account goes, what stays in the school (trainings in its
    statistics) keeps no person. The audit event keeps the member's id, never the name."""
    if actor is not None and not actor.is_admin:
        raise ApplicationError(_("Only school admins can erase a student's data."))
    if member.role != Role.STUDENT:
        raise ApplicationError(_("Only students' data is erased here."))
    school, member_id = member.school, member.pk
    registry.erase_member(member, keep_hub_models=keep_hub_models)
    audit_record(
        school=school,
        action=AuditAction.MEMBER_ERASED,
        actor=actor,
        actor_label=actor_label,
        data={"member_id": member_id, "hub_models_kept": keep_hub_models},
    )


def _warn_admins(school: School, due: list[tuple[Membership, datetime]]) -> None:
    admins = [m.user.email for m in selectors.school_admins(school=school) if m.user.email]
    if not admins:
        return
    url = site_link(reverse("privacy", args=[school.slug]))
    with translation.override(school.language):
        context = {"school": school, "due": due, "url": url}
        subject = render_to_string("privacy/email/retention_subject.txt", context).strip()
        body = render_to_string("privacy/email/retention_message.txt", context)
    send_mail(subject, body, None, admins)


def retention_run(*, now: datetime | None = None) -> int:
    """Erases every student whose retention period is over (their Hub models too) and warns each
    school's admins once about those due within 30 days. Returns how many were erased."""
    now = now or timezone.now()
    erased = 0
    for school in School.objects.all():
        for member, _due in selectors.retention_due(school=school, until=now):
            member_erase(
                actor=None, member=member, keep_hub_models=False, actor_label=RETENTION_LABEL
            )
            erased += 1
        soon = selectors.retention_due(school=school, until=now + RETENTION_NOTICE)
        warned = selectors.retention_notices(school=school)
        new = [(m, due) for m, due in soon if warned.get(m.pk) != due.date()]
        if new:
            # Mail first: if recording fails, the admins are told twice rather than never.
            _warn_admins(school, new)
            for member, due in new:
                RetentionNotice.objects.update_or_create(
                    member=member, defaults={"school": school, "due_on": due.date()}
                )
    DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).update(
        status=DataExport.Status.EXPIRED
    )
    for export in DataExport.objects.filter(status=DataExport.Status.EXPIRED).exclude(file=""):
        export.file.delete()
    return erased
