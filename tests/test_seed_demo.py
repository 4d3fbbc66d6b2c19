"""`manage.py seed_demo`: the demo school `make run` shows, repeatable without duplicates."""

from django.core.management import call_command
from django.test import Client

from schools.models import Classroom, Enrollment, Membership, School
from training.models import BudgetEntry, Status, Training


def test_the_demo_school_loads_twice_without_duplicates_and_its_logins_work(db, capsys):
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

    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"login": "demo.anna", "password": "edubotics-demo"}
        ).status_code
        == 302
    )
    assert client.get("/s/demo/").status_code == 200
    teacher = Client()
    assert (
        teacher.post(
            "/accounts/login/",
            {"login": "lehrer@demo.edubotics.local", "password": "edubotics-demo"},
        ).status_code
        == 302
    )
    assert "approval-queue" in teacher.get("/s/demo/").content.decode()
