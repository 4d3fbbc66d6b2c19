"""Privacy pages: exports with approval, erasure with confirmation, the AVV and the record of
processing (for the school's admins), and the operator's legal pages (for everyone)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.access import access_member, role_required
from schools.models import AVV_VERSION, Role
from schools.views.base import post_action, tenant_url

from . import selectors, services
from .access import access_erasure_request, access_export
from .models import DataExport

# How each app's table is called on the erasure confirmation (a new table shows its key).
TABLE_LABELS = {
    "profile": gettext_lazy("account"),
    "memberships": gettext_lazy("membership"),
    "classrooms": gettext_lazy("classroom places"),
    "audit_events": gettext_lazy("audit log entries (the name is removed)"),
    "trainings": gettext_lazy("trainings (kept in the school's statistics without a name)"),
    "control_sessions": gettext_lazy(
        "AI control sessions (ratings kept without a name, feedback deleted)"
    ),
    "hand_ins": gettext_lazy("assignment hand-ins with feedback and grades (deleted)"),
    "inference_servers": gettext_lazy(
        "inference servers (deleted; their GPU time stays in the school's totals)"
    ),
}


@role_required(Role.TEACHER)
def privacy(request):
    exports = list(selectors.exports_for(membership=request.membership))
    context = {
        "exports": exports,
        "students": selectors.students_for(membership=request.membership),
        "preparing": any(e.status == DataExport.Status.APPROVED for e in exports),
        "erasure_requests": (
            selectors.erasure_requests(school=request.school) if request.membership.is_admin else ()
        ),
        "avv_version": AVV_VERSION,
    }
    return render(request, "privacy/privacy.html", context)


@require_POST
@role_required(Role.TEACHER)
def export_create(request):
    subject_id = request.POST.get("subject", "")
    subject = (
        None
        if subject_id == "school"
        else access_member(membership=request.membership, member_id=subject_id, for_write=True)
    )
    success = (
        _("The export is being prepared.")
        if request.membership.is_admin
        else _("Your request was sent to the school's admins for approval.")
    )
    return post_action(
        request,
        services.export_request,
        success,
        tenant_url(request, "privacy"),
        actor=request.membership,
        subject=subject,
    )


@require_POST
@role_required(Role.ADMIN)
def export_decide(request, export_id, decision):
    export = access_export(membership=request.membership, export_id=export_id)
    service, success = {
        "approve": (services.export_approve, _("The export is being prepared.")),
        "reject": (services.export_reject, _("The request was rejected.")),
    }[decision]
    return post_action(
        request,
        service,
        success,
        tenant_url(request, "privacy"),
        actor=request.membership,
        export=export,
    )


@require_POST
@role_required(Role.TEACHER)
def erasure_request(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    return post_action(
        request,
        services.erasure_request,
        _("Your request was sent to the school's admins."),
        tenant_url(request, "privacy"),
        actor=request.membership,
        member=member,
    )


@require_POST
@role_required(Role.ADMIN)
def erasure_dismiss(request, request_id):
    erasure = access_erasure_request(membership=request.membership, request_id=request_id)
    return post_action(
        request,
        services.erasure_dismiss,
        _("The request was rejected."),
        tenant_url(request, "privacy"),
        actor=request.membership,
        erasure=erasure,
    )


@role_required(Role.TEACHER)
def export_download(request, export_id):
    export = access_export(membership=request.membership, export_id=export_id)
    if not export.downloadable:
        messages.error(request, _("This download has expired. Please request a new export."))
        return redirect(tenant_url(request, "privacy"))
    name = f"edubotics-{request.school.slug}-{export.ready_at:%Y-%m-%d}-{export.pk}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


@role_required(Role.ADMIN)
def member_erase(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    if member.role != Role.STUDENT:
        raise Http404
    back = tenant_url(request, "privacy")
    if request.method == "POST":
        keep = request.POST.get("hub_models") == "keep"
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Please confirm that the data is erased for good."))
            return redirect(request.path)
        return post_action(
            request,
            services.member_erase,
            _("The student's data was erased."),
            back,
            actor=request.membership,
            member=member,
            keep_hub_models=keep,
        )
    counts, hub_models = selectors.erasure_summary(member=member)
    rows = [(TABLE_LABELS.get(table, table), count) for table, count in counts.items()]
    return render(
        request,
        "privacy/erase.html",
        {"member": member, "rows": rows, "hub_models": hub_models, "cancel_url": back},
    )


@role_required(Role.ADMIN)
def record_of_processing(request):
    return render(request, "privacy/record.html", {"school": request.school})


def avv(request):
    """The AVV's text, public: a school reads it before it signs up."""
    return render(request, "privacy/avv.html", {"avv_version": AVV_VERSION})


def legal_page(request, kind):
    page = selectors.legal_page(kind=kind, language=get_language())
    if page is None:
        raise Http404
    return render(request, "privacy/legal_page.html", {"page": page})
