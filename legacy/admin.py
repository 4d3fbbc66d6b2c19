"""Staff: every school's import batches, and the upload page for any school."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from schools.errors import ApplicationError

from .forms import StaffExportUploadForm
from .models import ImportBatch
from .report import report_lines
from .uploads import legacy_import_uploaded


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "school", "created_at", "started_by_label", "undone_at"]
    list_filter = ["school"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="legacy_importbatch_upload"), *super().get_urls()]

    def upload_view(self, request):
        if not request.user.has_perm("legacy.add_importbatch"):  # an import writes any school
            raise PermissionDenied
        form = StaffExportUploadForm(request.POST or None, request.FILES or None)
        lines = None
        if request.method == "POST" and form.is_valid():
            try:
                lines = report_lines(
                    legacy_import_uploaded(
                        files=form.cleaned_data["files"],
                        school=form.cleaned_data["school"],
                        dry_run=form.cleaned_data["dry_run"],
                        actor_label=f"staff: {request.user}",
                    )
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
        context = {**self.admin_site.each_context(request), "form": form, "lines": lines}
        return TemplateResponse(request, "admin/legacy/upload.html", context)
