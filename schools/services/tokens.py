"""The personal API token a member's robot app signs in with."""

from rest_framework.authtoken.models import Token

from ..models import User


def api_token_for(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_renew(*, user: User) -> Token:
    """A new token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
