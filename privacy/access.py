"""Loading the privacy app's tenant objects by id: other school → 404."""

from django.core.exceptions import PermissionDenied

from schools.access import get_or_404
from schools.models import Membership

from .models import DataExport, ErasureRequest


def access_export(*, membership: Membership, export_id) -> DataExport:
    """Admins reach the school's exports; a teacher only the ones they asked for."""
    exports = DataExport.objects.for_school(membership.school).select_related("subject__user")
    if not membership.is_admin:
        exports = exports.filter(requested_by=membership)
    return get_or_404(exports, export_id)


def access_erasure_request(*, membership: Membership, request_id) -> ErasureRequest:
    if not membership.is_admin:
        raise PermissionDenied
    return get_or_404(ErasureRequest.objects.for_school(membership.school), request_id)
