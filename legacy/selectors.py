"""Reads of the import: a school's batches."""

from django.db.models import QuerySet

from schools.models import School

from .models import ImportBatch


def import_batches(*, school: School) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.for_school(school).filter(finished_at__isnull=False)[:50]
