"""The upload form: the export's files, for a dry run or the real import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import School

from .source import TABLES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_NAMES = {f"{table}.{ext}" for table in TABLES for ext in ("csv", "json")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ExportFilesField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(ExportFilesField, self).clean(f, initial) for f in files]
        unknown = sorted(f.name for f in cleaned if f.name not in ALLOWED_NAMES)
        if unknown:
            raise forms.ValidationError(
                _("Not a table of the earlier system: %(names)s. Name each file after its table.")
                % {"names": ", ".join(unknown)}
            )
        if sum(f.size for f in cleaned) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("At most 50 MB together."))
        return cleaned


class ExportUploadForm(forms.Form):
    files = ExportFilesField(
        label=_("Export files"),
        help_text=_("users.csv (or .json) and the other tables, as exported from Supabase."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would be imported"), required=False, initial=True
    )


class StaffExportUploadForm(ExportUploadForm):
    school = forms.ModelChoiceField(queryset=School.objects.all(), label=_("School"))
    field_order = ["school", "files", "dry_run"]
