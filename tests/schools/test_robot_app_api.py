"""The robot app's API: signing in for a token and revoking it, who am I, a teacher's classrooms
and students, control sessions' detail and data, and the API's documentation."""

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from schools.models import ApiToken, AuditEvent, Classroom
from tests.factories import PASSWORD, EnrollmentFactory, TrainingFactory
from training.models import ControlSession, Status
from training.services.sessions import control_session_close


def sign_in(login, password=PASSWORD, client=None):
    return (client or Client()).post(
        "/api/v1/auth/token",
        {"login": login, "password": password},
        content_type="application/json",
    )


def with_token(value) -> Client:
    return Client(headers={"authorization": f"Token {value}"})


def test_a_student_signs_in_with_username_and_a_teacher_with_e_mail(student, teacher):
    answer = sign_in(student.user.username)
    assert answer.status_code == 201 and answer.json()["expires_at"]
    me = with_token(answer.json()["token"]).get("/api/v1/me").json()
    assert me["username"] == student.user.username and me["role"] == "student"
    assert me["membership_id"] == student.pk and me["school"]["slug"] == student.school.slug
    assert [c["name"] for c in me["classrooms"]] == [student.enrollments.get().classroom.name]
    assert set(me["limits"]) == {
        "trainings_per_month",
        "concurrent_trainings",
        "trainings_allowed",
        "restriction",
    }
    assert sign_in(teacher.user.email.upper()).status_code == 201  # e-mail, any case
    assert AuditEvent.objects.filter(action="api_token_created").count() == 2


def test_a_wrong_password_gets_a_message_and_no_token(student):
    answer = sign_in(student.user.username, "wrong")
    assert answer.status_code == 400
    assert answer.json()["message"] == "The username, e-mail address or password is not correct."
    assert not ApiToken.objects.exists()


def test_the_sign_in_is_throttled_per_account(student, classroom):
    client = Client()
    answers = [sign_in(student.user.username, "guess", client).status_code for _ in range(10)]
    assert answers == [400] * 10
    blocked = sign_in(student.user.username, client=client)  # even the right password now
    assert blocked.status_code == 429 and "throttled" in blocked.json()["message"]
    assert not ApiToken.objects.exists()
    classmate = EnrollmentFactory(classroom=classroom).student  # same router, another account
    assert sign_in(classmate.user.username, client=client).status_code == 201


def test_the_sign_in_is_throttled_per_address(db):
    client = Client()
    answers = {sign_in(f"student{n}", "guess", client).status_code for n in range(60)}
    assert answers == {400}  # a whole class signing in behind one router gets through
    assert sign_in("student-61", "guess", client).status_code == 429


def test_delete_revokes_the_token_it_is_sent_with(student):
    value = sign_in(student.user.username).json()["token"]
    client = with_token(value)
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert Client().delete("/api/v1/auth/token").status_code in (401, 403)


def test_a_teacher_finds_student_ids_through_classrooms(teacher, classroom, student, outsider):
    client = with_token(sign_in(teacher.user.email).json()["token"])
    classrooms = client.get("/api/v1/classrooms").json()["results"]
    assert [(c["id"], c["student_count"]) for c in classrooms] == [(classroom.pk, 1)]
    students = client.get(f"/api/v1/classrooms/{classroom.pk}/students").json()["results"]
    assert [s["student_id"] for s in students] == [student.pk]
    other = Classroom.objects.get(school=outsider.school)
    assert client.get(f"/api/v1/classrooms/{other.pk}/students").status_code == 404


def test_a_student_gets_no_classroom_list(student):
    client = with_token(sign_in(student.user.username).json()["token"])
    assert client.get("/api/v1/classrooms").status_code == 403


def test_session_data_can_be_added_while_open_and_filtered_by_model(student, classroom):
    model = TrainingFactory(
        student=student, classroom=classroom, status=Status.COMPLETED, completed_at=timezone.now()
    )
    other = TrainingFactory(student=student, classroom=classroom, status=Status.COMPLETED)
    client = with_token(sign_in(student.user.username).json()["token"])
    opened = client.post(
        "/api/v1/control-sessions", {"training_id": model.pk}, content_type="application/json"
    ).json()
    client.post(
        "/api/v1/control-sessions", {"training_id": other.pk}, content_type="application/json"
    )
    url = f"/api/v1/control-sessions/{opened['id']}"
    for data in ({"episodes": 1}, {"episodes": 2, "grasped": True}):
        assert client.patch(url, {"data": data}, content_type="application/json").status_code == 200
    assert client.get(url).json()["data"] == {"episodes": 2, "grasped": True}
    listed = client.get(f"/api/v1/control-sessions?model={model.pk}").json()["results"]
    assert [s["id"] for s in listed] == [opened["id"]]
    control_session_close(actor=student, session=ControlSession.objects.get(pk=opened["id"]))
    closed = client.patch(url, {"data": {"episodes": 3}}, content_type="application/json")
    assert closed.status_code == 400
    assert closed.json()["message"] == "This session is closed; its data can no longer change."


def test_an_outsider_cannot_read_a_session(student, classroom, outsider):
    model = TrainingFactory(student=student, classroom=classroom, status=Status.COMPLETED)
    session = ControlSession.objects.create(school=student.school, student=student, training=model)
    outsider.user.set_password(PASSWORD)
    outsider.user.save()
    client = with_token(sign_in(outsider.user.email).json()["token"])
    assert client.get(f"/api/v1/control-sessions/{session.pk}").status_code == 404


def test_swagger_ui_is_served_from_our_own_static_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "<style>" not in page and "<script>" not in page  # nothing inline for the CSP
    script = client.get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/models/{training_id}/files"):
        assert path in schema


def test_every_response_is_typed_in_the_schema(db, tmp_path):
    """drf-spectacular warns about any view whose answer it cannot describe; none may."""
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))
    assert "ModelFile" in (tmp_path / "s.yaml").read_text()
