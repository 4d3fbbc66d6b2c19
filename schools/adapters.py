"""allauth's hooks: an e-mail address must fit the database before allauth keeps it (it would
otherwise cut the address at sign-up, and answer 500 when one is added later), and allauth's
e-mails speak of the school and link to our public address (SITE_URL), not the request's host."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import memberships_of_user

EMAIL_MAX_LENGTH = EmailAddress._meta.get_field("email").max_length


def site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("An e-mail address has at most %(max)d characters.") % {"max": EMAIL_MAX_LENGTH}
            )
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        membership = memberships_of_user(user=user).first() if user else None
        context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "school": membership.school.name if membership else "",
            **context,
        }
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # The key is "<uidb36>-<token>"; allauth fills its URL pattern the same way.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_link(path.replace("UID-KEY", quote(key)))
