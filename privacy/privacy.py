"""The privacy app's own part of an erasure: export files that hold the person go with them."""

from django.db.models import Q

from schools.models import Membership

from .models import DataExport


def erase_member(membership: Membership, *, keep_hub_models: bool) -> None:
    # The student's own exports, and whole-school ones made while they were in it.
    exports = DataExport.objects.for_school(membership.school).filter(
        Q(subject=membership) | Q(subject__isnull=True)
    )
    for export in exports.exclude(file=""):
        export.file.delete(save=False)
    exports.filter(subject__isnull=True, status=DataExport.Status.READY).update(
        file="", status=DataExport.Status.EXPIRED
    )
