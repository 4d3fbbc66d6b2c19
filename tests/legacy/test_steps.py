"""Each import step on its own, with rows made in the test."""

import pytest

from legacy.models import ImportBatch
from legacy.services.activity import (
    legacy_audit_log_import,
    legacy_control_sessions_import,
    legacy_servers_import,
    legacy_trainings_import,
)
from legacy.services.people import legacy_users_import
from legacy.services.run import ImportRun
from legacy.source import SourceRow
from schools.models import AuditEvent, Classroom, Membership
from training.models import ControlSession, InferenceServer, Training

T1 = "11111111-1111-4111-8111-111111111111"


def rows(*dicts):
    return [SourceRow(line=n, values=values) for n, values in enumerate(dicts, start=2)]


@pytest.fixture
def run(school):
    return ImportRun(school=school, batch=ImportBatch.objects.create(school=school))


@pytest.fixture
def people(run):
    legacy_users_import(
        run=run,
        rows=rows(
            {
                "id": "t",
                "email": "t@example.org",
                "plan": "free",
                "created_at": "2024-01-01T00:00Z",
            },
            {"id": "s", "email": "s@example.org", "plan": "", "teacher_id": "t"}
            | {"created_at": "2024-01-01 08:00:00+01", "updated_at": ""},
        ),
        auth_rows=[],
    )
    return run


def test_users_someones_teacher_teaches_and_gets_a_classroom_with_their_students(people, school):
    assert people.tables["users"].imported == 2
    teacher = Membership.objects.get(school=school, user__email="t@example.org")
    assert teacher.role == "teacher"  # plan "free", but a student names them
    classroom = Classroom.objects.get(primary_teacher=teacher)
    assert [e.student.user.email for e in classroom.enrollments.all()] == ["s@example.org"]


def test_users_without_a_readable_time_or_with_a_too_long_address_are_skipped(run):
    legacy_users_import(
        run=run,
        rows=rows(
            {"id": "x", "email": "x@example.org", "created_at": "gestern"},
            {"id": "y", "email": "y@example.org", "created_at": ""},
            {"id": "z", "email": "z" * 140 + "@example.org", "created_at": "2024-01-01T00:00Z"},
        ),
        auth_rows=[],
    )
    assert [skip["reason"] for skip in run.tables["users"].skipped] == [
        "created_at is not a time with a time zone",
        "created_at is missing",
        "email is too long",
    ]


def test_trainings_take_both_status_spellings_and_skip_unknown_policies(people, school):
    base = {"user_id": "s", "model_name": "m", "dataset_name": "d", "model_type": "ACT"}
    base["created_at"] = "2024-01-01T10:00:00+01:00"
    legacy_trainings_import(
        run=people,
        rows=rows(
            base | {"id": T1, "status": "succeeded"},
            base | {"id": "22222222-2222-4222-8222-222222222222", "status": "canceled"},
            base
            | {"id": "33333333-3333-4333-8333-333333333333", "status": "completed"}
            | {"model_type": "DIFFUSION"},
        ),
    )
    assert sorted(Training.objects.for_school(school).values_list("status", flat=True)) == [
        "cancelled",
        "completed",
    ]
    assert people.tables["trainings"].skipped[0]["reason"] == "unknown model type “DIFFUSION”"


def test_control_sessions_keep_their_rating_and_skip_one_out_of_range(people, school):
    legacy_trainings_import(
        run=people,
        rows=rows(
            {"id": T1, "user_id": "s", "model_name": "m", "dataset_name": "d"}
            | {"model_type": "ACT", "status": "completed", "created_at": "2024-01-01T10:00:00Z"}
        ),
    )
    session = {"user_id": "s", "training_id": T1, "created_at": "2024-01-02T10:00:00Z"}
    legacy_control_sessions_import(
        run=people,
        rows=rows(
            session | {"id": "aaaaaaaa-0000-4000-8000-000000000001", "rating": "4"},
            session | {"id": "aaaaaaaa-0000-4000-8000-000000000002", "rating": "0"},
        ),
    )
    assert list(ControlSession.objects.for_school(school).values_list("rating", flat=True)) == [4]
    assert people.tables["ai_control_sessions"].skipped[0]["reason"] == "rating 0 out of range 1–5"


def test_audit_log_keeps_the_earlier_time_and_the_person(people, school):
    legacy_audit_log_import(
        run=people,
        rows=rows(
            {"id": "bbbbbbbb-0000-4000-8000-000000000001", "user_id": "s", "action": "login"}
            | {"ip_address": "10.0.0.1/32", "created_at": "2023-05-01T08:00:00+02:00"}
        ),
    )
    event = AuditEvent.objects.get(school=school, action="login")
    assert event.created_at.isoformat() == "2023-05-01T06:00:00+00:00"
    assert (event.actor.user.email, event.ip_address) == ("s@example.org", "10.0.0.1")


def test_servers_land_stopped_on_their_model_and_skip_an_unknown_model(people, school):
    base = {"user_id": "s", "model_name": "m", "dataset_name": "d", "model_type": "ACT"}
    legacy_trainings_import(
        run=people,
        rows=rows(base | {"id": T1, "status": "completed", "created_at": "2024-01-01T10:00:00+01"}),
    )
    server = {"user_id": "s", "model_name": "m", "created_at": "2024-01-02T10:00:00+01"}
    legacy_servers_import(
        run=people,
        rows=rows(
            server | {"id": "dddddddd-0000-4000-8000-000000000001", "status": "running"},
            server
            | {"id": "dddddddd-0000-4000-8000-000000000002", "status": "stopped"}
            | {"model_name": "gone"},
        ),
    )
    (imported,) = InferenceServer.objects.for_school(school)
    assert imported.status == "stopped" and "Still running" in imported.stop_reason
    assert (imported.gpu_type, imported.cost_eur) == ("A10G", 0)
    assert people.tables["servers"].skipped[0]["reason"] == "missing reference: model_name gone"
