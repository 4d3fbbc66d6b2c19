"""How people and robot apps sign in: the password backend and the API's token authentication."""

import hashlib

from allauth.account.auth_backends import AuthenticationBackend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


class LoginBackend(AuthenticationBackend):
    """allauth's backend, checking each account's password at most once per sign-in.

    allauth tries a login both as an e-mail address and as a username, so a known account's
    password was hashed two or three times and an unknown one's (a dummy hash) once: the time
    told whether an account exists. Django makes a new backend object per sign-in, so the
    memory below lasts one attempt.
    """

    def authenticate(self, request, **credentials):
        self._checked = {}
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is not None and user.pk in self._checked:
            return self._checked[user.pk]
        result = super()._check_password(user, password)
        if user is not None:
            self._checked[user.pk] = result
        return result


def api_token_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <value>``, looked up by the value's digest, with expiry."""

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=api_token_digest(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token is unknown, revoked or expired. Make a new one on the robot app page."
                )
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        return token.user, token
