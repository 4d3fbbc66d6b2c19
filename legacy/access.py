"""Loading an import batch by id: only the school's own, only for its admins."""

from django.core.exceptions import PermissionDenied

from schools.access import get_or_404
from schools.models import Membership

from .models import ImportBatch


def access_import_batch(*, membership: Membership, batch_id) -> ImportBatch:
    batch = get_or_404(ImportBatch.objects.for_school(membership.school), batch_id)
    if not membership.is_admin:
        raise PermissionDenied
    return batch
