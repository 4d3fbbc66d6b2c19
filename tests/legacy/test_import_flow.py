"""A test export with tricky rows through dry run, import, second run, verify and undo."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command

from legacy.models import ImportBatch
from legacy.services.batches import legacy_import, legacy_undo, legacy_verify
from legacy.tasks import send_password_mails
from schools.models import AuditEvent, Classroom, Enrollment, Membership, School, User
from tests.factories import TrainingFactory, UserFactory
from training.models import ControlSession, InferenceServer, Status, Training, TrainingDay

EXPORT = Path(__file__).parent / "export"


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, Classroom, Enrollment, Training, ControlSession, AuditEvent)
    } | {"batches": ImportBatch.objects.count()}


def skipped(report, table):
    return {(skip["id"], skip["reason"]) for skip in report["tables"][table]["skipped"]}


def test_the_dry_run_saves_nothing_and_reports_what_the_real_run_does(school):
    before = counts()
    dry = legacy_import(school=school, folder=EXPORT, dry_run=True)
    assert counts() == before
    assert mail.outbox == []
    real = legacy_import(school=school, folder=EXPORT, dry_run=False)
    assert dry["tables"] == real["tables"]
    assert (dry["dry_run"], dry["batch"]) == (True, None)


def test_it_brings_people_classrooms_trainings_sessions_and_the_audit_log(school):
    School.objects.filter(pk=school.pk).update(seat_limit=3)
    school.refresh_from_db()
    report = legacy_import(school=school, folder=EXPORT, dry_run=False)

    users = report["tables"]["users"]
    assert (users["rows"], users["imported"]) == (9, 5)
    assert skipped(report, "users") == {
        ("s-0003", "duplicate e-mail differing only in case (line 4)"),
        ("s-0005", "missing reference: teacher_id t-9999"),
        ("x-0001", "unknown plan “enterprise”"),
        ("x-0002", "malformed e-mail address"),  # Django takes no umlaut before the @
    }
    teacher = Membership.objects.get(
        school=school, user__email="lehrerin.krueger@gymnasium-köln.de"
    )
    assert teacher.role == "teacher"
    classroom = Classroom.objects.get(school=school, primary_teacher=teacher)
    enrolled = set(
        Enrollment.objects.filter(classroom=classroom).values_list(
            "student__user__email", flat=True
        )
    )
    assert enrolled == {"juergen.mueller@gymnasium-köln.de", "anna.schmidt@schule.de", ""}
    no_email = User.objects.get(memberships__school=school, email="")
    assert no_email.managed_by_school and not no_email.has_usable_password()
    assert Membership.objects.get(user__email="frei@example.org").role == "student"

    assert skipped(report, "trainings") == {
        ("44444444-4444-4444-8444-444444444444", "missing reference: user_id ghost-user"),
        ("not-a-uuid", "malformed id"),
        ("55555555-5555-4555-8555-555555555555", "unknown status “exploded”"),
    }
    statuses = dict(Training.objects.for_school(school).values_list("model_name", "status"))
    assert statuses == {
        "phospho-app/ACT-würfel-a1b2c3": Status.COMPLETED,
        "phospho-app/ACT-cube-d4e5f6": Status.COMPLETED,  # "succeeded"
        "phospho-app/GR00T-stapeln-0a0a0a": Status.CANCELLED,  # "canceled"
        "phospho-app/ACT_BBOX-demo": Status.FAILED,  # running at the export: cannot be followed
    }
    first = Training.objects.get(model_name="phospho-app/ACT-würfel-a1b2c3")
    assert first.created_at.isoformat() == "2024-09-10T08:00:00+00:00"
    assert first.metrics["final_loss"] == 0.042 and first.loss_curve == [[0, 1.5], [100, 0.042]]
    assert (
        first.classroom == classroom
        and first.student.user.email == "juergen.mueller@gymnasium-köln.de"
    )
    assert TrainingDay.objects.filter(school=school, completed__gt=0).count() == 2

    assert skipped(report, "ai_control_sessions") == {
        ("aaaaaaaa-0000-4000-8000-000000000002", "rating 7 out of range 1–5"),
        ("aaaaaaaa-0000-4000-8000-000000000003", "missing reference: training_id NULL"),
    }
    rated = ControlSession.objects.get(training=first)
    assert (rated.rating, rated.feedback) == (5, "Greift den Würfel – fast immer!")
    assert rated.data == {"commands": ["greifen", "heben"], "robot": "so101"}

    assert skipped(report, "audit_log") == {
        ("bbbbbbbb-0000-4000-8000-000000000003", "malformed IP address")
    }
    created = AuditEvent.objects.get(school=school, action="training_created")
    assert created.actor.user.email == "juergen.mueller@gymnasium-köln.de"
    assert created.data == {"model_type": "ACT", "user_agent": "EduBotics-Robot/1.2"}
    assert str(created.ip_address) == "192.168.1.20"
    assert report["tables"]["classroom_analytics"]["imported"] == 0
    server = InferenceServer.objects.get(school=school)  # a stopped one, on the model it served
    assert (server.training.model_name, server.status) == (
        "phospho-app/ACT-würfel-a1b2c3",
        "stopped",
    )
    assert (server.backend_call_id, server.cost_per_hour_eur, server.cost_eur) == (
        "fc-01ABC",
        Decimal("1.20"),
        Decimal("0.30"),  # 15 minutes at 1.20 € an hour
    )
    assert server.started_by.user.email == "juergen.mueller@gymnasium-köln.de"
    assert any("cus_LEGACYTEACHER" in note and "not kept" in note for note in users["notes"])
    assert "4 active students and 3 seats" in users["notes"][-1]


def test_people_without_a_carried_over_password_get_a_set_your_password_mail(
    school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = legacy_import(school=school, folder=EXPORT, dry_run=False)["batch"]
    assert sorted(m.to[0] for m in mail.outbox) == ["anna.schmidt@schule.de", "frei@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    send_password_mails.delay(batch)  # delivered twice: sent once
    assert len(mail.outbox) == 2


def test_a_second_run_imports_nothing_new(school):
    legacy_import(school=school, folder=EXPORT, dry_run=False)
    after_first = counts()
    report = legacy_import(school=school, folder=EXPORT, dry_run=False)
    assert {name: t["imported"] for name, t in report["tables"].items()} == dict.fromkeys(
        report["tables"], 0
    )
    assert report["tables"]["trainings"]["already_imported"] == 4
    assert counts() == after_first | {"batches": 2, "AuditEvent": after_first["AuditEvent"] + 1}


def test_verify_matches_the_source_and_names_a_changed_row(school):
    batch = legacy_import(school=school, folder=EXPORT, dry_run=False)["batch"]
    result = legacy_verify(school=school, batch_id=batch, folder=EXPORT)
    assert all(t["source_checksum"] == t["checksum"] for t in result.values())
    assert result["trainings"]["imported"] == result["trainings"]["still_here"] == 4

    Training.objects.filter(model_name="phospho-app/ACT-cube-d4e5f6").update(duration_seconds=1)
    result = legacy_verify(school=school, batch_id=batch, folder=EXPORT)
    assert result["trainings"]["differing"] == ["22222222-2222-4222-8222-222222222222"]
    assert result["trainings"]["checksum"] != result["trainings"]["source_checksum"]


def test_undo_removes_what_the_batch_made_and_keeps_what_people_made_since(school, admin):
    before = counts()
    batch = legacy_import(school=school, folder=EXPORT, dry_run=False)["batch"]
    anna = Membership.objects.get(user__email="anna.schmidt@schule.de")
    made_since = Training.objects.create(
        school=school, student=anna, model_name="neu", dataset="anna/neu", policy_type="ACT"
    )

    result = legacy_undo(school=school, batch_id=batch)

    # Anna with her account, address and enrollment; so her teacher's classroom and the teacher.
    assert [kept["id"] for kept in result["kept"]] == ["s-0002", "t-0001"]
    assert result["kept"][0]["because"] == ["training “neu”"]
    assert EmailAddress.objects.filter(user=anna.user, verified=False).exists()
    assert Training.objects.filter(pk=made_since.pk).exists()
    assert Membership.objects.filter(pk=anna.pk).exists()
    assert not Training.objects.filter(model_name__startswith="phospho-app/").exists()
    assert not User.objects.filter(email="juergen.mueller@gymnasium-köln.de").exists()
    after = counts()
    assert after["Training"] == before["Training"] + 1
    assert after["Membership"] == before["Membership"] + 2
    assert after["Enrollment"] == before["Enrollment"] + 1
    assert ImportBatch.objects.get(pk=batch).undone_at is not None
    # Imported again, the kept member is not doubled.
    report = legacy_import(school=school, folder=EXPORT, dry_run=False)
    assert report["tables"]["users"]["already_imported"] == 2
    assert Membership.objects.filter(user__email="anna.schmidt@schule.de").count() == 1


def test_an_existing_account_is_linked_and_survives_the_undo(school):
    """Someone who signed up to EduBotics but belongs to no school yet."""
    own = UserFactory(email="Frei@Example.org")
    batch = legacy_import(school=school, folder=EXPORT, dry_run=False)["batch"]
    membership = Membership.objects.get(school=school, user=own)
    assert membership.role == "student"
    legacy_undo(school=school, batch_id=batch)
    assert User.objects.filter(pk=own.pk).exists()
    assert not Membership.objects.filter(school=school, user=own).exists()


def test_the_command_prints_the_report_and_writes_it_as_json(school, tmp_path, capsys):
    out = tmp_path / "report.json"
    call_command(
        "import_supabase", "--school", school.slug, str(EXPORT), "--dry-run", "--report", str(out)
    )
    printed = capsys.readouterr().out
    assert "Dry run: nothing was saved" in printed
    assert "line 5 (id s-0003): duplicate e-mail differing only in case (line 4)" in printed
    assert json.loads(out.read_text())["tables"]["users"]["imported"] == 5
    assert not Training.objects.exists()


@pytest.mark.parametrize("option", ["--verify", "--undo"])
def test_the_command_refuses_another_schools_batch(school, outsider, option):
    batch = legacy_import(school=outsider.school, folder=EXPORT, dry_run=False)["batch"]
    with pytest.raises(Exception, match="has no import"):
        call_command("import_supabase", "--school", school.slug, str(EXPORT), option, str(batch))


def test_another_schools_member_is_not_taken_but_told_to_be_invited(school, outsider):
    outsider.user.email = "Frei@Example.org"
    outsider.user.save()
    report = legacy_import(school=school, folder=EXPORT, dry_run=False)
    assert not Membership.objects.filter(school=school, user=outsider.user).exists()
    reasons = [skip["reason"] for skip in report["tables"]["users"]["skipped"]]
    assert "the e-mail belongs to a member of another school: invite the person instead" in reasons


def test_another_schools_model_is_not_taken(school, outsider):
    student = Membership.objects.get(school=outsider.school, role="student")
    TrainingFactory(student=student, hub_model_id="phospho-app/ACT-würfel-a1b2c3")
    report = legacy_import(school=school, folder=EXPORT, dry_run=False)
    assert not Training.objects.filter(
        school=school, hub_model_id="phospho-app/ACT-würfel-a1b2c3"
    ).exists()
    reasons = [skip["reason"] for skip in report["tables"]["trainings"]["skipped"]]
    assert "the model belongs to another school" in reasons
