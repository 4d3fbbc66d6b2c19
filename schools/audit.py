"""Recording audit events. Services call ``audit_record``; the request's IP comes from a context
variable the school middleware sets, so services need not pass requests around."""

from contextvars import ContextVar

from .models import AuditEvent, Membership, School

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def audit_record(
    *,
    school: School,
    action: str,
    actor: Membership | None = None,
    actor_label: str = "",
    target=None,
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        school=school,
        actor=actor,
        actor_label=actor_label or (str(actor.user) if actor else ""),
        action=action,
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=current_ip.get(),
    )
