"""allauth's hooks: an e-mail address must fit the database before allauth keeps it (it would
otherwise cut the address at sign-up, and answer 500 when one is added later)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.utils.translation import gettext as _

EMAIL_MAX_LENGTH = EmailAddress._meta.get_field("email").max_length


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("An e-mail address has at most %(max)d characters.") % {"max": EMAIL_MAX_LENGTH}
            )
        return email
