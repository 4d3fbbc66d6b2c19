"""Loads the school of a ``/s/<school_slug>/`` page from the signed-in user's membership."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import translation
from django.utils.translation import trans_real

from .audit import current_ip
from .selectors import membership_for_school_slug


def chose_a_language(request) -> bool:
    """Whether the user (the EN/DE switch's cookie) or the browser names a language we speak:
    both come before the school's language."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return True
    # Django's own parser of the header; LocaleMiddleware already picked from it, but falls back
    # to LANGUAGE_CODE when nothing matches, which must not hide the school's language.
    for code, _quality in trans_real.parse_accept_lang_header(
        request.headers.get("Accept-Language", "")
    ):
        if code == "*":
            return False
        try:
            translation.get_supported_language_variant(code)
        except LookupError:
            continue
        return True
    return False


class SchoolMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school = None
        request.membership = None
        token = current_ip.set(request.META.get("REMOTE_ADDR"))  # for audit events
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Tenant views never see the slug: they get request.school and request.membership.
        slug = view_kwargs.pop("school_slug", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for_school_slug(user=request.user, slug=slug)
        if membership is None:  # unknown school and someone else's school look the same
            raise Http404
        request.school = membership.school
        request.membership = membership
        if not chose_a_language(request):  # the school's language comes last
            translation.activate(membership.school.language)
            request.LANGUAGE_CODE = membership.school.language
        if request.session.get("school_slug") != slug:  # remembered for the next sign-in
            request.session["school_slug"] = slug
        return None
