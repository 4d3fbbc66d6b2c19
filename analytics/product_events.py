"""Product events for PostHog (EU), derived from audit events so no other app has to know about
PostHog. Anonymised: the distinct id is a keyed hash of the user id, properties carry the
school's id and only enum or number values, never names, e-mails, usernames or free text."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from schools.models import AuditAction, AuditEvent

NAMES = {
    AuditAction.SCHOOL_SIGNED_UP: "school_signed_up",
    AuditAction.PACKAGE_CHOSEN: "package_bought",
    AuditAction.PACKAGE_CHANGED: "package_changed",
    AuditAction.PACKAGE_CANCELLED: "package_cancelled",
    AuditAction.CLASSROOM_CREATED: "classroom_created",
    AuditAction.STUDENTS_IMPORTED: "students_imported",
    AuditAction.MEMBER_ADDED: "member_added",
    AuditAction.TRAINING_CREATED: "training_started",
    AuditAction.MODEL_RATED: "model_rated",
}
STATUS_NAMES = {
    "completed": "training_completed",
    "failed": "training_failed",
    "cancelled": "training_cancelled",
}
SAFE_PROPERTIES = {"package", "policy", "count", "role", "to", "rating"}


def keyed_hash(value: str) -> str:
    return hmac.new(
        settings.ANALYTICS_HASH_KEY.encode(), value.encode(), hashlib.sha256
    ).hexdigest()


def product_event(event: AuditEvent) -> tuple[str, str, dict] | None:
    """(name, distinct id, properties) for an audit event, or None when it is not a product event."""
    name = NAMES.get(event.action)
    if event.action == AuditAction.TRAINING_STATUS_CHANGED:
        name = STATUS_NAMES.get(event.data.get("to"))
    if name is None:
        return None
    distinct_id = keyed_hash(
        f"user:{event.actor.user_id}" if event.actor_id else f"school:{event.school_id}"
    )
    properties = {
        k: v
        for k, v in event.data.items()
        if k in SAFE_PROPERTIES and isinstance(v, (int, float, str)) and len(str(v)) <= 40
    }
    properties.update(school_id=event.school_id, privacy_compliant=True)
    return f"edu_{name}", distinct_id, properties


@receiver(post_save, sender=AuditEvent, dispatch_uid="analytics_product_events")
def queue_product_event(sender, instance: AuditEvent, created, raw=False, **kwargs):
    if not created or raw or not settings.POSTHOG_API_KEY or instance.school.analytics_opt_out:
        return
    event = product_event(instance)
    if event is not None:
        from .tasks import send_product_event

        transaction.on_commit(lambda: send_product_event.delay(*event))
