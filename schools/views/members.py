"""School admins: members, invitations, roles, deactivation, the school's settings."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..access import access_invitation, access_member, role_required
from ..forms import (
    InvitationForm,
    RoleForm,
    SchoolSettingsForm,
)
from ..models import Role
from ..services import members as member_services
from ..services.schools import school_update
from .base import (
    confirm_page,
    form_call,
    post_action,
    tenant_url,
)


@role_required(Role.ADMIN)
def members(request):
    role = request.GET.get("role") if request.GET.get("role") in Role.values else None
    page = Paginator(selectors.school_members(school=request.school, role=role), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "schools/members.html",
        {
            "page": page,
            "role": role,
            "roles": Role.choices,
            "role_form": RoleForm(),
            "invitations": selectors.pending_invitations(school=request.school),
        },
    )


@role_required(Role.ADMIN)
def invitation_create(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, invitation = form_call(
            form, member_services.invitation_send, actor=request.membership, **form.cleaned_data
        )
        if ok:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(tenant_url(request, "members"))
    return render(request, "schools/invitation_form.html", {"form": form})


@role_required(Role.ADMIN)
@require_POST
def invitation_resend(request, invitation_id):
    invitation = access_invitation(membership=request.membership, invitation_id=invitation_id)
    return post_action(
        request,
        member_services.invitation_resend,
        _("Invitation sent again."),
        tenant_url(request, "members"),
        actor=request.membership,
        invitation=invitation,
    )


@role_required(Role.ADMIN)
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = access_invitation(membership=request.membership, invitation_id=invitation_id)
    return post_action(
        request,
        member_services.invitation_revoke,
        _("Invitation revoked; its link no longer works."),
        tenant_url(request, "members"),
        actor=request.membership,
        invitation=invitation,
    )


@role_required(Role.ADMIN)
@require_POST
def member_role(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role."))
        return redirect(tenant_url(request, "members"))
    return post_action(
        request,
        member_services.member_change_role,
        _("Role changed."),
        tenant_url(request, "members"),
        actor=request.membership,
        member=member,
        role=form.cleaned_data["role"],
    )


@role_required(Role.TEACHER)
def member_deactivate(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    back = tenant_url(request, "members" if request.membership.is_admin else "dashboard")
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Remove %(name)s from the school?")
            % {"name": member.user.get_full_name() or member.user.email},
            text=_(
                "They can no longer sign in to this school; a student frees their seat. Their data stays, and an admin can reactivate them."
            ),
            button=_("Remove from school"),
            cancel_url=back,
        )
    return post_action(
        request,
        member_services.member_deactivate,
        _("Member removed from the school."),
        back,
        actor=request.membership,
        member=member,
    )


@role_required(Role.ADMIN)
@require_POST
def member_reactivate(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    return post_action(
        request,
        member_services.member_reactivate,
        _("Member reactivated."),
        tenant_url(request, "members"),
        actor=request.membership,
        member=member,
    )


@role_required(Role.ADMIN)
def school_settings(request):
    school = request.school
    form = SchoolSettingsForm(
        request.POST or None,
        initial={
            "name": school.name,
            "language": school.language,
            "time_zone": school.time_zone,
            "analytics_opt_out": school.analytics_opt_out,
            "server_idle_minutes": school.server_idle_minutes,
            "retention_months": school.retention_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        ok, _school = form_call(form, school_update, actor=request.membership, **form.cleaned_data)
        if ok:
            messages.success(request, _("Settings saved."))
            return redirect(tenant_url(request, "school_settings"))
    return render(request, "schools/settings.html", {"form": form})
