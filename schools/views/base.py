"""What the school's views share: running a service for a form or an action, confirmation pages."""

from allauth.core import ratelimit
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..errors import ApplicationError

LOGIN_SHEET_SESSION_KEY = "login_sheet"
AUTH_BACKEND = "schools.authentication.LoginBackend"


def join_code_limited(request, form, template):
    """A 429 page when this address or this code had too many attempts (codes can be guessed),
    else None. Counts in the shared cache, per ACCOUNT_RATE_LIMITS["join_code"]."""
    if ratelimit.consume(request, action="join_code", key=form.cleaned_data["code"]):
        return None
    form.add_error(
        None, _("Too many attempts with join codes. Please wait ten minutes, then try again.")
    )
    return render(request, template, {"form": form}, status=429)


def form_call(form, service, **kwargs):
    """Runs a service for a form; its ``ApplicationError`` becomes an error on the form."""
    try:
        return True, service(**kwargs)
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False, None


def post_action(request, service, success, next_url, **kwargs):
    """Runs a POST-only action and reports it as a message."""
    try:
        service(**kwargs)
        messages.success(request, success)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(next_url)


def confirm_page(request, *, title, text, button, cancel_url, danger=True):
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "text": text,
            "button": button,
            "cancel_url": cancel_url,
            "danger": danger,
        },
    )


def tenant_url(request, name, *args):
    return reverse(name, args=[request.school.slug, *args])
