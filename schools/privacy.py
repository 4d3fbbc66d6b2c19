"""What the school app holds about a member, for the privacy registry (privacy.registry): the
profile, memberships, classrooms and the audit events by or about them; and how it is erased."""

import json

from django.db.models import Q

from .models import AuditEvent, Membership, StudentImport

ERASED = "[erased]"


def _about(membership: Membership) -> Q:
    return Q(actor=membership) | Q(object_type="membership", object_id=str(membership.pk))


def audit_rows(events) -> list[dict]:
    return [
        {
            "id": event.pk,
            "when": event.created_at,
            "action": event.action,
            "by": event.actor_label,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "details": event.data,
            "ip_address": event.ip_address,
        }
        for event in events
    ]


def export_member(membership: Membership) -> dict[str, list[dict]]:
    user = membership.user
    enrollments = membership.enrollments.select_related("classroom").order_by("created_at")
    events = AuditEvent.objects.for_school(membership.school).filter(_about(membership))
    return {
        "profile": [
            {
                "id": user.pk,
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "memberships": [
            {
                "id": membership.pk,
                "user_id": user.pk,
                "school": membership.school.name,
                "role": membership.role,
                "active": membership.is_active,
                "joined": membership.created_at,
                "left": membership.left_at,
            }
        ],
        "classrooms": [
            {
                "id": e.pk,
                "member_id": membership.pk,
                "classroom": e.classroom.name,
                "subject": e.classroom.subject,
                "enrolled": e.created_at,
                "archived": e.classroom.archived_at,
            }
            for e in enrollments
        ],
        "audit_events": audit_rows(events.order_by("created_at")),
    }


def _scrub(value, names: list[str]):
    text = json.dumps(value, ensure_ascii=False)
    for name in names:
        text = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], ERASED)
    return json.loads(text)


def erase_member(membership: Membership, *, keep_hub_models: bool) -> None:
    """Removes the account (a person in other schools keeps theirs, without this membership) and
    the person's names from the school's audit log and class-list imports. Runs last."""
    user = membership.user
    school = membership.school
    everywhere = [n for n in (user.get_full_name(), user.username, user.email) if n]
    # Their own events may name them in parts; elsewhere a bare first name could be someone else.
    own = everywhere + [n for n in (user.last_name, user.first_name) if len(n) > 2]
    about = set(
        AuditEvent.objects.for_school(school)
        .filter(_about(membership))
        .values_list("pk", flat=True)
    )
    for event in AuditEvent.objects.for_school(school).only("actor_label", "data"):
        names = own if event.pk in about else everywhere
        label, data = _scrub(event.actor_label, names), _scrub(event.data, names)
        if event.pk in about and event.actor_id == membership.pk:
            label = ERASED
        if (label, data) != (event.actor_label, event.data):
            event.actor_label, event.data = label, data
            event.save(update_fields=["actor_label", "data"])
    for student_import in StudentImport.objects.for_school(school):
        rows = _scrub(student_import.rows, own)
        errors = _scrub(student_import.errors, own)
        credentials = _scrub(student_import.credentials, own)
        if (rows, errors, credentials) != (
            student_import.rows,
            student_import.errors,
            student_import.credentials,
        ):
            student_import.rows, student_import.errors = rows, errors
            student_import.credentials = credentials
            student_import.save(update_fields=["rows", "errors", "credentials"])
    membership.delete()
    if not user.memberships.exists():
        user.delete()
