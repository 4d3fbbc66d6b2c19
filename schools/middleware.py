"""Loads the school of a ``/s/<school_slug>/`` page from the signed-in user's membership."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import translation

from .audit import current_ip
from .selectors import membership_for_school_slug


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
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:  # no choice of their own yet
            translation.activate(membership.school.language)
            request.LANGUAGE_CODE = membership.school.language
        if request.session.get("school_slug") != slug:  # remembered for the next sign-in
            request.session["school_slug"] = slug
        return None
