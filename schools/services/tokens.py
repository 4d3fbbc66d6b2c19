"""The API tokens a person's robot app signs in with: made (the value shown once) and revoked."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..authentication import api_token_digest
from ..errors import ApplicationError
from ..models import ApiToken, AuditAction, Membership


def api_token_create(*, actor: Membership) -> tuple[ApiToken, str]:
    """A new token for the actor's account, and its value: only its digest is stored."""
    value = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.user,
            digest=api_token_digest(value),
            prefix=value[:8],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
        )
        audit_record(
            school=actor.school, actor=actor, action=AuditAction.API_TOKEN_CREATED, target=token
        )
    return token, value


def api_token_revoke(*, actor: Membership, token: ApiToken) -> None:
    """The token stops working at once; only its owner may revoke it."""
    if token.user_id != actor.user_id:
        raise ApplicationError(_("Only the owner of a token can revoke it."))
    with transaction.atomic():
        audit_record(
            school=actor.school, actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=token
        )
        token.delete()
