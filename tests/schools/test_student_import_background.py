"""Long class lists are created by a background task with a progress bar, still all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Enrollment, School, StudentImport, User
from schools.services.student_imports import student_import_run
from schools.student_csv import MAX_ROWS_WAITING
from tests.conftest import client_for
from tests.factories import TeacherFactory, UserFactory

COUNT = MAX_ROWS_WAITING + 5
CLASS_LIST = (
    "first_name;last_name;username\n" + "".join(f"Kind{i};Berg;kind{i:03d}\n" for i in range(COUNT))
).encode()


@pytest.fixture(autouse=True)
def seats_for_everyone(classroom):
    School.objects.filter(pk=classroom.school_id).update(seat_limit=None)


def upload(client, classroom):
    return client.post(
        reverse("student_import", args=[classroom.school.slug, classroom.pk]),
        {"file": SimpleUploadedFile("klasse.csv", CLASS_LIST, content_type="text/csv")},
    )


def test_a_long_list_shows_progress_then_the_login_sheet(
    as_teacher, classroom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = upload(as_teacher, classroom)
    progress_url = response["Location"]
    page = as_teacher.get(progress_url).content.decode()
    assert f'<progress max="{COUNT}" value="0"' in page and 'http-equiv="refresh"' in page
    assert not User.objects.filter(username__startswith="kind").exists()

    for callback in queued:
        callback()
    response = as_teacher.get(progress_url)
    assert response["Location"] == reverse("login_sheet", args=[classroom.school.slug])
    sheet = as_teacher.session["login_sheet"]["students"]
    assert len(sheet) == COUNT == Enrollment.objects.filter(classroom=classroom).count()
    assert User.objects.get(username="kind000").check_password(sheet[0]["password"])
    assert StudentImport.objects.get().credentials == []  # handed out once, then forgotten
    assert as_teacher.get(progress_url)["Location"] == response["Location"]


def test_a_problem_found_in_the_background_imports_nothing_and_lists_it(
    as_teacher, classroom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        progress_url = upload(as_teacher, classroom)["Location"]
    UserFactory(username="kind007")  # taken while the import waited in the queue
    for callback in queued:
        callback()
    page = as_teacher.get(progress_url).content.decode()
    assert "Nothing was imported" in page and "kind007" in page
    assert not Enrollment.objects.filter(classroom=classroom).exists()


def test_running_an_import_twice_creates_its_students_once(
    as_teacher, classroom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(as_teacher, classroom)
    student_import_run(import_id=StudentImport.objects.get().pk)
    assert Enrollment.objects.filter(classroom=classroom).count() == COUNT


def test_only_the_teacher_who_started_it_sees_an_import(
    as_teacher, classroom, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        progress_url = upload(as_teacher, classroom)["Location"]
    colleague = TeacherFactory(school=classroom.school)
    classroom.co_teachers.add(colleague)
    assert client_for(colleague).get(progress_url).status_code == 404
    assert client_for(outsider).get(progress_url).status_code == 404
