"""`manage.py seed_demo`: the demo school `make run` shows, repeatable without duplicates."""

from django.core.management import call_command
from django.test import Client

from assignments.models import Assignment, Submission
from schools.models import Classroom, Enrollment, Membership, School
from training.models import BudgetEntry, ControlSession, Status, Training


def test_the_demo_school_loads_twice_without_duplicates_and_its_logins_work(
    db, capsys, settings, tmp_path
):
    settings.HF_TOKEN, settings.HUB_LOCAL_DIR = "", str(tmp_path / "hub")
    call_command("seed_demo")
    call_command("seed_demo")
    school = School.objects.get(slug="demo")
    assert Membership.objects.filter(school=school).count() == 7
    assert Classroom.objects.filter(school=school).count() == 1
    assert Enrollment.objects.filter(school=school).count() == 5
    assert school.seat_limit == 30 and school.restriction() == ""  # room to try the import
    # Weeks of history for the dashboards, and one training waiting for the teacher's approval.
    assert Training.objects.filter(school=school).count() == 61
    assert Training.objects.get(school=school, status=Status.AWAITING_APPROVAL).cost_estimate_eur
    # Its GPU ledger: a reservation and a settlement or refund per finished training.
    assert BudgetEntry.objects.filter(school=school).count() == 60 * 2 + 1 + 1
    assert "edubotics-demo" in capsys.readouterr().out
    anna = Membership.objects.get(school=school, user__username="demo.anna")
    assert Assignment.objects.filter(school=school, published_at__isnull=False).count() == 2
    graded = Submission.objects.get(school=school, returned_at__isnull=False)
    assert graded.student == anna and Submission.objects.filter(school=school).count() == 3
    assert ControlSession.objects.filter(school=school, rating__isnull=False).exists()
    open_session = ControlSession.objects.get(school=school, ended_at__isnull=True)
    assert open_session.student == anna  # hers to rate on the model page

    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"login": "demo.anna", "password": "edubotics-demo"}
        ).status_code
        == 302
    )
    assert "Mit wenigen Schritten gut greifen" in client.get("/s/demo/").content.decode()
    model_id = open_session.training_id
    assert "Sitzung bewerten" in client.get(f"/s/demo/models/{model_id}/").content.decode()
    assert "config.json" in client.get(f"/s/demo/models/{model_id}/files/").content.decode()
    teacher = Client()
    assert (
        teacher.post(
            "/accounts/login/",
            {"login": "lehrer@demo.edubotics.local", "password": "edubotics-demo"},
        ).status_code
        == 302
    )
    assert "approval-queue" in teacher.get("/s/demo/").content.decode()
