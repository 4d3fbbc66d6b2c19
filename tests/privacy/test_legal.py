"""The AVV accepted at sign-up, the AVV and the record of processing as pages, the operator's
legal pages in every footer, and the prices on the sign-up page."""

from django.urls import reverse

from privacy.models import LegalPage
from schools.models import AVV_VERSION, AuditAction, AuditEvent, School
from tests.conftest import client_for
from tests.schools.test_accounts import SIGNUP


def test_signing_up_records_the_accepted_avv(client, db):
    client.post(reverse("account_signup"), SIGNUP)
    school = School.objects.get()
    assert school.avv_version == AVV_VERSION and school.avv_accepted_at is not None
    event = AuditEvent.objects.get(action=AuditAction.AVV_ACCEPTED)
    assert event.data == {"version": AVV_VERSION}


def test_no_school_without_accepting_the_avv(client, db):
    response = client.post(reverse("account_signup"), {**SIGNUP, "accept_avv": ""})
    assert "Please accept the data-processing agreement (AVV)." in response.content.decode()
    assert not School.objects.exists()


def test_the_sign_up_page_shows_prices_and_the_legal_pages(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert "Starter" in page and "99 €" in page and "Enterprise" in page
    for kind in ("imprint", "privacy", "terms"):
        assert reverse("legal_page", args=[kind]) in page
    assert reverse("avv") in page


def test_the_operators_pages_show_in_the_visitors_language(client, db):
    LegalPage.objects.create(
        kind="imprint", language="de", title="Impressum", body="EduBotics GmbH"
    )
    LegalPage.objects.create(kind="imprint", language="en", title="Legal notice", body="Ltd")
    assert "Legal notice" in client.get(reverse("legal_page", args=["imprint"])).content.decode()
    client.cookies["django_language"] = "de"
    page = client.get(reverse("legal_page", args=["imprint"])).content.decode()
    assert "Impressum" in page and "EduBotics GmbH" in page
    assert client.get(reverse("legal_page", args=["terms"])).status_code == 404


def test_every_page_links_the_legal_pages_in_its_footer(client, as_teacher, teacher):
    for page in (
        client.get("/").content.decode(),
        as_teacher.get(reverse("dashboard", args=[teacher.school.slug])).content.decode(),
    ):
        assert reverse("legal_page", args=["imprint"]) in page
        assert reverse("legal_page", args=["privacy"]) in page


def test_the_avv_and_the_record_of_processing_name_processors_and_retention(as_admin, admin):
    avv = as_admin.get(reverse("avv")).content.decode()
    assert AVV_VERSION in avv
    record = as_admin.get(reverse("record_of_processing", args=[admin.school.slug]))
    text = record.content.decode()
    for processor in ("Modal", "Hugging Face", "Stripe", "Sentry", "PostHog"):
        assert processor in text and processor in avv
    assert "European Union" in text and "12 months" in text


def test_the_record_is_for_the_schools_admins(as_teacher, teacher, outsider):
    assert (
        as_teacher.get(reverse("record_of_processing", args=[teacher.school.slug])).status_code
        == 403
    )
    foreign = reverse("record_of_processing", args=[teacher.school.slug])
    assert client_for(outsider).get(foreign).status_code == 404


def test_the_retention_period_is_a_school_setting(as_admin, admin):
    data = {
        "name": "Goethe",
        "language": "de",
        "time_zone": "Europe/Berlin",
        "retention_months": 24,
    }
    as_admin.post(reverse("school_settings", args=[admin.school.slug]), data)
    admin.school.refresh_from_db()
    assert admin.school.retention_months == 24
    data["retention_months"] = 0
    response = as_admin.post(reverse("school_settings", args=[admin.school.slug]), data)
    assert response.status_code == 200
    admin.school.refresh_from_db()
    assert admin.school.retention_months == 24
