"""CSV exports: safe to open in a spreadsheet, and a file name that cannot break the header."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from schools.csv_export import csv_cell
from schools.models import AuditEvent
from tests.factories import ClassroomFactory, EnrollmentFactory


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Müller-Lüdenscheidt", "Müller-Lüdenscheidt"),
        (-3, -3),
        (Decimal("-0.31"), "-0,31"),
        (None, ""),
    ],
)
def test_cells_that_could_start_a_formula_are_escaped(value, written):
    assert csv_cell(value) == written


def progress_csv(client, classroom):
    return client.get(
        reverse("classroom_progress", args=[classroom.school.slug, classroom.pk]), {"format": "csv"}
    )


def test_a_student_named_like_a_formula_is_plain_text_in_the_export(as_teacher, classroom):
    EnrollmentFactory(
        classroom=classroom,
        student__user__last_name='=HYPERLINK("http://evil.example","Klick")',
        student__user__first_name="@SUM(1+1)",
    )
    rows = rows_of(progress_csv(as_teacher, classroom))
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example","Klick")', "'@SUM(1+1)"]


@pytest.mark.parametrize(
    "name", ['Robotik "10a"; filename="evil.exe', "Robotik\r\n10a", "Robotik\n10a"]
)
def test_a_classroom_name_cannot_inject_into_the_download_header(as_teacher, classroom, name):
    classroom.name = name
    classroom.save()
    response = progress_csv(as_teacher, classroom)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.count("filename=") == 1 and "\n" not in disposition
    assert disposition.startswith('attachment; filename="robotik-10a') and '.csv"' in disposition


def test_the_audit_log_export_escapes_and_slugifies(as_admin, school):
    AuditEvent.objects.create(school=school, action="payment_failed", actor_label="=1+1")
    response = as_admin.get(reverse("audit_log", args=[school.slug]), {"format": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-goethe-')
    assert any(row[1] == "'=1+1" for row in rows_of(response))


def test_an_outsider_cannot_export_another_schools_classroom(as_teacher, outsider):
    classroom = ClassroomFactory(school=outsider.school, primary_teacher=outsider)
    assert progress_csv(as_teacher, classroom).status_code == 404
