"""Fuzzing the class-list upload: whatever the file, no 500 and never a partial import."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schools.models import Membership, User

HEADERS = ["first_name;last_name", "Vorname,Nachname,E-Mail", "first_name;last_name;username"]
NASTY = ["\r", "\n", "\r\n", '"', ";", ",", "\x00", "\x1a", "=", "ß", "\ufeff", "@", "\t"]
cell = st.one_of(
    st.text(max_size=12),
    st.lists(st.sampled_from(NASTY), max_size=4).map("".join),
    st.just("x" * 300),
    st.just("a" * 250 + "@example.org"),
    st.from_regex(r"[a-z]{3,8}\.[a-z]{2,6}", fullmatch=True),
)
row = st.lists(cell, min_size=1, max_size=4).map(";".join)
text_file = st.tuples(st.sampled_from(HEADERS), st.lists(row, max_size=8)).map(
    lambda parts: "\n".join([parts[0], *parts[1]])
)
encoded = st.tuples(text_file, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])).map(
    lambda parts: parts[0].encode(parts[1], errors="replace")
)
broken_file = st.one_of(encoded, st.binary(max_size=300), st.just(b"first_name;last_name\n"))


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=broken_file)
def test_no_upload_answers_500_or_imports_part_of_a_file(as_teacher, classroom, content):
    members = Membership.objects.filter(school=classroom.school, role="student")
    before_users, before_members = User.objects.count(), members.count()
    response = as_teacher.post(
        reverse("student_import", args=[classroom.school.slug, classroom.pk]),
        {"file": SimpleUploadedFile("klasse.csv", content, content_type="text/csv")},
    )
    assert response.status_code in (200, 302)
    created = members.count() - before_members
    assert created == User.objects.count() - before_users
    if response.status_code == 200:
        assert created == 0
    elif response["Location"] == reverse("login_sheet", args=[classroom.school.slug]):
        # imported: all of it, each new student on the login sheet
        assert created == len(as_teacher.session["login_sheet"]["students"]) > 0
    else:  # everyone in the file is in the classroom already (an earlier example put them there)
        assert created == 0
