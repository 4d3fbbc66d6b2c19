"""Importing a class list: all or nothing, every bad row named with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Enrollment, Membership, School, User
from schools.student_csv import ImportRejected, parse_students_csv
from tests.conftest import client_for
from tests.factories import UserFactory


def upload(client, classroom, content: bytes, name="klasse.csv"):
    url = reverse("student_import", args=[classroom.school.slug, classroom.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def rejected_lines(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as info:
        parse_students_csv(data)
    return [(e.line, e.message) for e in info.value.errors]


def test_it_imports_a_class_with_umlauts_and_shows_the_login_sheet(as_teacher, classroom):
    content = "Vorname;Nachname\nJürgen;Müller\nZoë;Weiß\nÖzlem;Çelik\n".encode()
    response = upload(as_teacher, classroom, content)
    assert response.status_code == 302
    assert response["Location"] == reverse("login_sheet", args=[classroom.school.slug])
    users = User.objects.filter(memberships__school=classroom.school, memberships__role="student")
    assert sorted(u.username for u in users) == ["juergen.mueller", "oezlem.celik", "zoe.weiss"]
    assert {u.get_full_name() for u in users} == {"Jürgen Müller", "Zoë Weiß", "Özlem Çelik"}
    assert Enrollment.objects.filter(classroom=classroom).count() == 3

    sheet = as_teacher.get(response["Location"]).content.decode()
    assert "Jürgen Müller" in sheet and "juergen.mueller" in sheet
    password = as_teacher.session["login_sheet"]["students"][0]["password"]
    assert password in sheet
    assert User.objects.get(username="juergen.mueller").check_password(password)


def test_comma_separated_utf8_with_bom_and_given_usernames(as_teacher, classroom):
    content = "\ufefffirst_name,last_name,username,email\nAnna,Schmidt,anna.s,anna@example.org\n"
    assert upload(as_teacher, classroom, content.encode()).status_code == 302
    anna = User.objects.get(username="anna.s")
    assert anna.email == "anna@example.org" and anna.first_name == "Anna"


def test_windows_excel_files_in_cp1252_keep_their_umlauts(as_teacher, classroom):
    assert (
        upload(as_teacher, classroom, "Vorname;Nachname\nJörg;Bär\n".encode("cp1252")).status_code
        == 302
    )
    assert User.objects.get(username="joerg.baer").last_name == "Bär"


def test_generated_usernames_never_collide(as_teacher, classroom):
    UserFactory(username="max.meier")
    content = b"first_name;last_name\nMax;Meier\nMax;Meier\n"
    assert upload(as_teacher, classroom, content).status_code == 302
    assert set(
        User.objects.filter(username__startswith="max.meier").values_list("username", flat=True)
    ) == {"max.meier", "max.meier2", "max.meier3"}


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"first_name;last_name\nAnna;\n", 2, "last name is missing"),
        (b"first_name;last_name\n;Schmidt\n", 2, "first name is missing"),
        (b"first_name;last_name;username\nA;B;x y\nC;D;cd\n", 2, "is not valid"),
        (b"first_name;last_name;username\nA;B;same\nC;D;same\n", 3, "already used in line 2"),
        (b"first_name;last_name;email\nA;B;not-an-email\n", 2, "not a valid e-mail address"),
        (b"first_name;last_name\nA;B;C\n", 2, "has 3 fields, expected 2"),
        (b"first_name;last_name;klasse\nA;B;7\n", 0, "Unknown column “klasse”"),
        (b"first_name;username\nA;b\n", 0, "last_name"),
        (b"", 0, "The file is empty."),
        (b"first_name;last_name\n", 0, "no students"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 0, "not a CSV file"),
        (b"first_name;last_name\n" + b"A;B\n" * 300_000, 0, "larger than 1 MB"),
    ],
)
def test_each_kind_of_bad_row_is_named_with_its_line(content, line, message):
    errors = rejected_lines(content)
    assert any(e_line == line and message in text for e_line, text in errors), errors


def test_all_bad_rows_are_reported_at_once():
    errors = rejected_lines(b"first_name;last_name\nA;\nB;C\n;D\n")
    assert [line for line, _ in errors] == [2, 4]


def test_a_bad_file_imports_nothing_and_shows_every_problem(as_teacher, classroom):
    before = Membership.objects.count()
    response = upload(as_teacher, classroom, b"first_name;last_name\nGood;Row\nBad;\n")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page and "last name is missing" in page
    assert Membership.objects.count() == before


def test_a_username_that_exists_rejects_the_whole_file(as_teacher, classroom):
    UserFactory(username="taken.name")
    before = User.objects.count()
    response = upload(
        as_teacher, classroom, b"first_name;last_name;username\nA;B;fresh.one\nC;D;taken.name\n"
    )
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert User.objects.count() == before


def test_students_and_outsiders_cannot_import(as_student, classroom, outsider):
    assert upload(as_student, classroom, b"first_name;last_name\nA;B\n").status_code == 403
    assert (
        upload(client_for(outsider), classroom, b"first_name;last_name\nA;B\n").status_code == 404
    )


def test_an_archived_classroom_takes_no_students(as_teacher, classroom):
    as_teacher.post(reverse("classroom_archive", args=[classroom.school.slug, classroom.pk]))
    response = upload(as_teacher, classroom, b"first_name;last_name\nA;B\n")
    assert "archived" in response.content.decode()
    assert not Enrollment.objects.filter(classroom=classroom).exists()


NAME_5000 = "A" * 5000
LONG_EMAIL = "a" * 250 + "@example.org"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(1, 256)) * 4, "encoding is not known"),
        (b"first_name;last_name\n\x01\x02\x03;\x04\n", "not a CSV file"),
        (b"first_name;last_name\nA\x81;B\n", "encoding is not known"),
        (b"first_name;last_name\nAn\rna;Schmidt\nBen;Berg\n", "has 1 fields, expected 2"),
        (b'first_name;last_name\n"Anna\nMaria";Berg\n', "first name contains a line break"),
        (f"first_name;last_name\n{NAME_5000};B\n".encode(), "longer than 150 characters"),
        (b'first_name;last_name\n"' + b"a" * 200_000 + b'";B\n', "cannot be read"),
        (f"first_name;last_name;email\nA;B;{LONG_EMAIL}\n".encode(), "longer than 254"),
        (b"first_name;last_name\n" + b"A;B\n" * 3001, "more than 3000 students"),
    ],
)
def test_a_broken_upload_gets_a_clear_message_and_imports_nothing(
    as_teacher, classroom, content, message
):
    before = User.objects.count()
    response = upload(as_teacher, classroom, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_the_import_page_states_its_limits(as_teacher, classroom):
    page = as_teacher.get(reverse("student_import", args=[classroom.school.slug, classroom.pk]))
    assert "up to 3000 students and 1 MB" in page.content.decode()


def test_a_full_school_is_refused_before_any_password_is_hashed(as_teacher, classroom, monkeypatch):
    School.objects.filter(pk=classroom.school_id).update(seat_limit=1)
    hashed = []
    monkeypatch.setattr(
        "django.contrib.auth.base_user.make_password", lambda *a, **k: hashed.append(a) or "x"
    )
    response = upload(as_teacher, classroom, b"first_name;last_name\n" + b"A;B\n" * 5)
    assert "Not enough seats" in response.content.decode()
    assert hashed == []


def test_a_too_long_email_in_the_add_form_is_a_field_error(as_teacher, classroom):
    response = as_teacher.post(
        reverse("student_add", args=[classroom.school.slug, classroom.pk]),
        {"first_name": "A", "last_name": "B", "email": LONG_EMAIL},
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not User.objects.filter(email=LONG_EMAIL).exists()


def test_importing_the_same_list_again_creates_no_one_and_says_who_was_skipped(
    as_teacher, classroom
):
    content = "Vorname;Nachname\nJürgen;Müller\nZoë;Weiß\n".encode()
    upload(as_teacher, classroom, content)
    before = (User.objects.count(), Membership.objects.count())
    response = upload(as_teacher, classroom, content.replace(b"M\xc3\xbcller", b"M\xc3\xbcLLER"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "classroom_detail", args=[classroom.school.slug, classroom.pk]
    )
    assert (User.objects.count(), Membership.objects.count()) == before
    page = as_teacher.get(response["Location"]).content.decode()
    assert "0 students imported" in page
    assert "Line 2: Jürgen Müller (juergen.mueller) is already in the classroom; skipped." in page


def test_a_reimport_adds_the_new_students_and_updates_e_mails_from_the_file(as_teacher, classroom):
    upload(as_teacher, classroom, b"first_name;last_name\nAnna;Schmidt\n")
    response = upload(
        as_teacher,
        classroom,
        b"first_name;last_name;email\nAnna;Schmidt;anna@example.org\nBen;Kurz;\n",
    )
    assert response["Location"] == reverse("login_sheet", args=[classroom.school.slug])
    assert User.objects.get(username="anna.schmidt").email == "anna@example.org"
    sheet = as_teacher.session["login_sheet"]["students"]
    assert [s["username"] for s in sheet] == ["ben.kurz"]  # Anna keeps her password


def test_problems_of_the_file_and_taken_usernames_are_listed_together(as_teacher, classroom):
    UserFactory(username="taken.name")
    response = upload(
        as_teacher, classroom, b"first_name;last_name;username\nA;;fresh.one\nC;D;taken.name\n"
    )
    rows = [(e.line, e.message) for e in response.context["row_errors"]]
    assert [line for line, _ in rows] == [2, 3]
    assert "last name is missing" in rows[0][1] and "already taken" in rows[1][1]


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [
        ("Can", "Yılmaz", "can.yilmaz"),
        ("José", "Muñoz", "jose.munoz"),
        ("Lea", "Weiß", "lea.weiss"),
        ("Łukasz", "Øster", "lukasz.oster"),
        ("Олена", "Шевченко", "olena.shevchenko"),
        (
            "Anna-Lena Marie",
            "Müller-Lüdenscheidt",
            "anna-lena-marie.mueller-luedenscheidt",
        ),
    ],
)
def test_usernames_keep_the_whole_name_transliterated(as_teacher, classroom, first, last, username):
    upload(as_teacher, classroom, f"Vorname;Nachname\n{first};{last}\n".encode())
    assert User.objects.get(first_name=first).username == username


def test_adding_a_student_who_is_already_in_the_classroom_says_so(as_teacher, classroom):
    upload(as_teacher, classroom, b"first_name;last_name\nAnna;Schmidt\n")
    url = reverse("student_add", args=[classroom.school.slug, classroom.pk])
    response = as_teacher.post(url, {"first_name": "anna", "last_name": "schmidt"})
    assert response.status_code == 200
    assert "already in the classroom" in response.content.decode()
    assert User.objects.filter(username__startswith="anna.schmidt").count() == 1
