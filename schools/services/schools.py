"""Signing up a school and changing its settings."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..errors import ApplicationError
from ..models import AVV_VERSION, AuditAction, Membership, Role, School, User
from ..transliteration import to_ascii


def _unique_slug(name: str) -> str:
    # Only new schools get a transliterated slug: existing ones keep theirs (bookmarks, links).
    base = slugify(to_ascii(name))[:50] or "schule"
    slug, n = base, 1
    while School.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def school_signup(
    *, user: User, name: str, avv_accepted: bool, language: str = School.Language.GERMAN
) -> School:
    """A new school whose first user becomes its admin, having accepted the data-processing
    agreement (AVV): its version and the time are kept on the school and in the audit log."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Please enter the name of your school."), field="school_name")
    if not avv_accepted:
        raise ApplicationError(
            _("Please accept the data-processing agreement (AVV)."), field="accept_avv"
        )
    school = School.objects.create(
        name=name,
        slug=_unique_slug(name),
        language=language,
        avv_version=AVV_VERSION,
        avv_accepted_at=timezone.now(),
    )
    admin = Membership.objects.create(school=school, user=user, role=Role.ADMIN)
    audit_record(school=school, action=AuditAction.SCHOOL_SIGNED_UP, actor=admin, target=school)
    audit_record(
        school=school,
        action=AuditAction.AVV_ACCEPTED,
        actor=admin,
        target=school,
        data={"version": AVV_VERSION},
    )
    return school


def school_update(
    *,
    actor: Membership,
    name: str,
    language: str,
    time_zone: str,
    analytics_opt_out: bool = False,
    server_idle_minutes: int | None = None,
    retention_months: int | None = None,
) -> School:
    if not actor.is_admin:
        raise ApplicationError(_("Only school admins can change the school's settings."))
    school = actor.school
    school.name, school.language, school.time_zone = name.strip(), language, time_zone
    school.analytics_opt_out = analytics_opt_out
    school.server_idle_minutes = server_idle_minutes or school.server_idle_minutes
    school.retention_months = retention_months or school.retention_months
    school.save(
        update_fields=[
            "name",
            "language",
            "time_zone",
            "analytics_opt_out",
            "server_idle_minutes",
            "retention_months",
        ]
    )
    return school
