"""A school's URL name keeps its umlauts the German way (Köln-Süd → koeln-sued); a school that
already has an address keeps it."""

from django.urls import reverse

from schools.models import School
from tests.conftest import client_for
from tests.factories import AdminFactory, SchoolFactory
from tests.schools.test_accounts import SIGNUP


def test_a_new_school_gets_umlauts_transliterated(client, db):
    client.post(reverse("account_signup"), {**SIGNUP, "school_name": "Gymnasium Köln-Süd Straße"})
    assert (
        School.objects.get(name="Gymnasium Köln-Süd Straße").slug == "gymnasium-koeln-sued-strasse"
    )


def test_a_second_school_of_the_same_name_gets_a_number(client, db):
    SchoolFactory(name="Köln-Süd", slug="koeln-sued")
    client.post(reverse("account_signup"), {**SIGNUP, "school_name": "Köln-Süd"})
    assert School.objects.filter(name="Köln-Süd").order_by("pk").last().slug == "koeln-sued-2"


def test_an_existing_school_keeps_its_old_address(db):
    admin = AdminFactory(school=SchoolFactory(name="Köln-Süd", slug="koln-sud"))
    assert client_for(admin).get("/s/koln-sud/").status_code == 200
    admin.school.refresh_from_db()
    assert admin.school.slug == "koln-sud"
