"""The upload page of a school admin, and the staff's in the Django admin."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legacy.models import ImportBatch
from schools.models import Membership
from tests.factories import UserFactory
from training.models import Training

EXPORT = Path(__file__).parent / "export"


def export_files(*names):
    names = names or [p.name for p in EXPORT.iterdir()]
    return [SimpleUploadedFile(name, (EXPORT / name).read_bytes()) for name in names]


def test_it_shows_the_dry_run_report_and_saves_nothing(as_admin, school):
    url = reverse("legacy_import", args=[school.slug])
    response = as_admin.post(url, {"files": export_files(), "dry_run": "on"})
    assert response.status_code == 200
    assert "Dry run: nothing was saved" in response.content.decode()
    assert "duplicate e-mail differing only in case (line 4)" in response.content.decode()
    assert not Training.objects.exists() and not ImportBatch.objects.exists()


def test_it_imports_and_then_undoes_with_a_confirmation(as_admin, school):
    url = reverse("legacy_import", args=[school.slug])
    as_admin.post(url, {"files": export_files()})
    batch = ImportBatch.objects.get(school=school)
    assert Training.objects.for_school(school).count() == 4
    undo = reverse("legacy_import_undo", args=[school.slug, batch.pk])
    assert "cannot be undone" in as_admin.get(undo).content.decode()
    response = as_admin.post(undo)
    assert "removed: 4 trainings" in response.content.decode()
    assert not Training.objects.for_school(school).exists()


def test_a_wrongly_named_file_changes_nothing(as_admin, school):
    bad = SimpleUploadedFile("Benutzer.csv", b"id,email\n")
    response = as_admin.post(reverse("legacy_import", args=[school.slug]), {"files": [bad]})
    assert "Not a table of the earlier system: Benutzer.csv" in response.content.decode()
    assert Membership.objects.filter(school=school).count() == 1


def test_an_export_without_users_is_refused_with_a_message(as_admin, school):
    response = as_admin.post(
        reverse("legacy_import", args=[school.slug]), {"files": export_files("trainings.csv")}
    )
    assert "The export has no users.csv or users.json." in response.content.decode()


def test_teachers_may_not_import(as_teacher, school):
    assert as_teacher.get(reverse("legacy_import", args=[school.slug])).status_code == 403


def test_another_schools_admin_cannot_see_or_undo_a_batch(as_admin, school, outsider):
    batch = ImportBatch.objects.create(school=outsider.school)
    undo = reverse("legacy_import_undo", args=[school.slug, batch.pk])
    assert as_admin.post(undo).status_code == 404
    assert as_admin.get(reverse("legacy_import", args=[outsider.school.slug])).status_code == 404


def test_staff_import_into_any_school_from_the_django_admin(school):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:legacy_importbatch_upload")
    response = staff.post(url, {"school": school.pk, "files": export_files()})
    assert "Import" in response.content.decode() and "saved" in response.content.decode()
    assert ImportBatch.objects.get(school=school).started_by_label.startswith("staff: ")
    other_staff = Client()
    other_staff.force_login(UserFactory(is_staff=True))  # staff without the import permission
    assert other_staff.get(url).status_code == 403


@pytest.mark.parametrize("batches", [3, 30])
def test_the_page_lists_imports_with_a_flat_query_count(
    as_admin, school, batches, django_assert_num_queries
):
    finished = timezone.now()
    ImportBatch.objects.bulk_create(
        ImportBatch(school=school, finished_at=finished, started_by_label="Frau Admin")
        for _ in range(batches)
    )
    with django_assert_num_queries(8):
        response = as_admin.get(reverse("legacy_import", args=[school.slug]))
    assert response.content.decode().count("/undo/") == batches
