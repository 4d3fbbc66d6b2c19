"""The school admin's page: upload the earlier system's export, dry run or import, undo a batch."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schools.access import role_required
from schools.errors import ApplicationError
from schools.models import Role
from schools.views.base import confirm_page, form_call, tenant_url

from .access import access_import_batch
from .forms import ExportUploadForm
from .report import report_lines, undo_lines
from .selectors import import_batches
from .services.batches import legacy_undo
from .uploads import legacy_import_uploaded


@role_required(Role.ADMIN)
def import_page(request):
    form = ExportUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        _ok, report = form_call(
            form,
            legacy_import_uploaded,
            files=form.cleaned_data["files"],
            school=request.school,
            dry_run=form.cleaned_data["dry_run"],
            actor=request.membership,
        )
    return _page(request, form, report_lines(report) if report else None)


def _page(request, form, lines):
    return render(
        request,
        "legacy/import.html",
        {"form": form, "lines": lines, "batches": import_batches(school=request.school)},
    )


@role_required(Role.ADMIN)
def import_undo(request, batch_id):
    batch = access_import_batch(membership=request.membership, batch_id=batch_id)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Undo import %(batch)s?") % {"batch": batch.pk},
            text=_(
                "Everything this import created is removed: accounts, classrooms, trainings, "
                "sessions and events. What people made since stays, with what it needs, and is "
                "listed. This cannot be undone."
            ),
            button=_("Undo the import"),
            cancel_url=tenant_url(request, "legacy_import"),
        )
    try:
        result = legacy_undo(school=request.school, batch_id=batch.pk, actor=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(tenant_url(request, "legacy_import"))
    return _page(request, ExportUploadForm(), undo_lines(result))
