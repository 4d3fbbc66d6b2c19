"""Exports of a student's or the whole school's data: the ZIP's contents, the approval by an
admin, the day-long link, tenancy."""

import csv
import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import DataExport
from privacy.services import retention_run
from schools.models import AuditAction, AuditEvent
from tests.conftest import client_for
from tests.factories import EnrollmentFactory, StudentFactory
from training.downloads import model_page_url


def url(school, name, *args):
    return reverse(name, args=[school.slug, *args])


def download(client, export) -> zipfile.ZipFile:
    response = client.get(url(export.school, "export_download", export.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_it_exports_a_students_data_as_json_and_csv(as_admin, admin, jurgen, outsider, committed):
    classmate = EnrollmentFactory(classroom=jurgen.enrollments.first().classroom).student
    with committed():
        response = as_admin.post(url(admin.school, "export_create"), {"subject": jurgen.pk})
    assert response.status_code == 302
    export = DataExport.objects.get()
    assert export.status == DataExport.Status.READY and (export.done, export.total) == (1, 1)

    archive = download(as_admin, export)
    names = set(archive.namelist())
    for table in ("profile", "memberships", "classrooms", "trainings", "control_sessions"):
        assert {f"{table}.json", f"{table}.csv"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile[0]["first_name"] == "Jürgen" and profile[0]["username"] == "juergen.mw"
    trainings = json.loads(archive.read("trainings.json"))
    completed = next(t for t in trainings if t["status"] == "completed")
    assert completed["metrics"] == {"success_rate": 0.8}
    assert completed["hub_link"] == ""  # the embedded local Hub folder has no page to link
    assert json.loads(archive.read("control_sessions.json"))[0]["rating"] == 4
    actions = {e["action"] for e in json.loads(archive.read("audit_events.json"))}
    assert AuditAction.TRAINING_CREATED in actions

    # The CSV opens in a spreadsheet with the umlauts intact.
    text = archive.read("profile.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    assert next(csv.DictReader(io.StringIO(text[1:])))["last_name"] == "Müller-Weiß"

    everything = b"".join(archive.read(n) for n in names).decode()
    assert classmate.user.username not in everything
    assert "Schiller" not in everything and outsider.user.username not in everything

    assert AuditEvent.objects.filter(
        action=AuditAction.DATA_EXPORTED, data={"member_id": jurgen.pk}
    ).exists()


def test_a_teachers_request_waits_for_an_admin(as_teacher, teacher, admin, jurgen, committed):
    assert "juergen.mw" in as_teacher.get(url(teacher.school, "privacy")).content.decode()
    as_teacher.post(url(teacher.school, "export_create"), {"subject": jurgen.pk})
    export = DataExport.objects.get()
    assert export.status == DataExport.Status.REQUESTED and not export.file
    assert as_teacher.get(url(teacher.school, "export_download", export.pk)).status_code == 302
    assert as_teacher.post(url(teacher.school, "export_approve", export.pk)).status_code == 403

    page = client_for(admin).get(url(admin.school, "privacy")).content.decode()
    assert "Approve" in page and "Jürgen" in page
    with committed():
        client_for(admin).post(url(admin.school, "export_approve", export.pk))
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.approved_by == admin
    assert "juergen.mw" in download(as_teacher, export).read("profile.json").decode()


def test_an_admin_can_reject_a_request(as_teacher, teacher, admin, jurgen):
    as_teacher.post(url(teacher.school, "export_create"), {"subject": jurgen.pk})
    export = DataExport.objects.get()
    client_for(admin).post(url(admin.school, "export_reject", export.pk))
    export.refresh_from_db()
    assert export.status == DataExport.Status.REJECTED and not export.file


def test_only_admins_export_the_whole_school(as_teacher, teacher, jurgen):
    response = as_teacher.post(url(teacher.school, "export_create"), {"subject": "school"})
    assert response.status_code == 302 and not DataExport.objects.exists()


def test_the_whole_school_export_holds_every_member_and_no_other_school(
    as_admin, admin, jurgen, outsider, committed
):
    with committed():
        as_admin.post(url(admin.school, "export_create"), {"subject": "school"})
    export = DataExport.objects.get()
    members = admin.school.membership_set.count()
    assert (export.done, export.total) == (members, members)
    archive = download(as_admin, export)
    usernames = {row["username"] for row in json.loads(archive.read("profile.json"))}
    assert "juergen.mw" in usernames and len(usernames) == members
    assert outsider.user.username not in usernames
    assert "Schiller-Schule" not in b"".join(archive.read(n) for n in archive.namelist()).decode()


def test_the_link_works_for_a_day_then_the_file_is_gone(as_admin, admin, jurgen, committed):
    with committed():
        as_admin.post(url(admin.school, "export_create"), {"subject": jurgen.pk})
    export = DataExport.objects.get()
    path = export.file.path
    retention_run(now=timezone.now() + timedelta(hours=23))
    download(as_admin, export)

    retention_run(now=timezone.now() + timedelta(days=1, minutes=1))
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED
    response = as_admin.get(url(admin.school, "export_download", export.pk), follow=True)
    assert "expired" in response.content.decode()
    assert not os.path.exists(path)


def test_another_schools_export_and_students_are_not_found(as_admin, admin, outsider):
    other_student = StudentFactory(school=outsider.school)
    foreign = DataExport.objects.create(school=outsider.school, requested_by=outsider)
    as_outsider = client_for(outsider)
    as_outsider.post(url(outsider.school, "export_create"), {"subject": "school"})
    assert as_admin.get(url(admin.school, "export_download", foreign.pk)).status_code == 404
    assert as_admin.post(url(admin.school, "export_approve", foreign.pk)).status_code == 404
    response = as_admin.post(url(admin.school, "export_create"), {"subject": other_student.pk})
    assert response.status_code == 404
    assert as_admin.get(url(admin.school, "member_erase", other_student.pk)).status_code == 404


def test_students_reach_no_privacy_page(jurgen):
    assert client_for(jurgen).get(url(jurgen.school, "privacy")).status_code == 403


@pytest.mark.parametrize("students", [3, 30])
def test_the_privacy_page_takes_the_same_queries_however_many_students(
    as_admin, admin, classroom, students, django_assert_num_queries
):
    for _ in range(students):
        EnrollmentFactory(classroom=classroom)
    for _ in range(3):
        DataExport.objects.create(school=admin.school, requested_by=admin)
    with django_assert_num_queries(10):
        assert as_admin.get(url(admin.school, "privacy")).status_code == 200


def test_a_model_on_the_hub_is_linked_to_its_page(settings):
    settings.HF_TOKEN, settings.HF_ENDPOINT = "hf_x", ""
    assert (
        model_page_url("edubotics-ai/goethe-act-jurgen1")
        == "https://huggingface.co/edubotics-ai/goethe-act-jurgen1"
    )
    assert model_page_url("") == ""
