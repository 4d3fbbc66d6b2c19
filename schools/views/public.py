"""Pages outside a school: the home redirect, accepting an invitation, joining with a code."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..errors import ApplicationError
from ..forms import (
    NewAccountForm,
    StudentSignupForm,
)
from ..services import members as member_services
from ..services.students import (
    student_signup_with_code,
)
from .base import (
    AUTH_BACKEND,
    form_call,
    join_code_limited,
)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "schools/landing.html")
    memberships = list(selectors.memberships_of_user(user=request.user))
    if not memberships:
        return render(request, "schools/no_school.html")
    remembered = request.session.get("school_slug")
    membership = next((m for m in memberships if m.school.slug == remembered), memberships[0])
    return redirect("dashboard", membership.school.slug)


def invitation_accept(request, token):
    invitation = selectors.invitation_by_token(token=token)
    try:
        member_services.invitation_check(invitation)
    except ApplicationError as error:
        status = 410 if invitation else 404
        return render(
            request, "schools/invitation_invalid.html", {"message": error.message}, status=status
        )
    welcome = _("Welcome to %(school)s!") % {"school": invitation.school}
    if request.user.is_authenticated:  # an existing account joins with one click
        if request.method == "POST":
            try:
                member_services.invitation_accept(invitation=invitation, user=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            messages.success(request, welcome)
            return redirect("dashboard", invitation.school.slug)
        context = {"invitation": invitation}
        if request.user.managed_by_school:
            context["managed_account_message"] = member_services.managed_account_message()
        return render(request, "schools/invitation_accept.html", context)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, membership = form_call(
            form,
            member_services.invitation_accept,
            invitation=invitation,
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
        if ok:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(request, welcome)
            return redirect("dashboard", invitation.school.slug)
    return render(
        request, "schools/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def student_signup(request):
    """A new student makes an account with their classroom's join code."""
    form = StudentSignupForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        if limited := join_code_limited(request, form, "schools/student_signup.html"):
            return limited
        data = form.cleaned_data
        ok, membership = form_call(
            form,
            student_signup_with_code,
            code=data["code"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
        if ok:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(
                request,
                _(
                    "Your account is ready. Your username is %(username)s: write it down, you need it to sign in."
                )
                % {"username": membership.user.username},
            )
            return redirect("dashboard", membership.school.slug)
    return render(request, "schools/student_signup.html", {"form": form})
