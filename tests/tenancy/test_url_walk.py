"""Every URL of ours that takes an object id answers 404 when the id belongs to another school.

New URLs are covered automatically: a parameter this test does not know makes it fail, so the
author has to say which of school B's objects belongs there.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assignments.models import Submission
from legacy.models import ImportBatch
from privacy.models import DataExport, ErasureRequest
from schools.models import StudentImport
from schools.services.tokens import api_token_create
from tests.conftest import client_for
from tests.factories import (
    AdminFactory,
    AssignmentFactory,
    EnrollmentFactory,
    InvitationFactory,
    SchoolFactory,
    TrainingFactory,
)
from training.models import ControlSession, InferenceServer, Status

OUR_APPS = (
    "schools.",
    "training.",
    "assignments.",
    "billing.",
    "analytics.",
    "privacy.",
    "legacy.",
    "edubotics.",
)
# Patterns of ours with a parameter that is not a tenant object id, and why that is safe.
NOT_TENANT_IDS = {
    "invitation_accept": "the token is the secret of the invitation; it names its own school",
    "api_training_events": "the runner's callback: a signature made with the training's own secret is its key (403 without)",
    "api_model_download": "a download link: its signature, made for that training and file, is its key (403 without)",
    "api_inference_server_events": "the serving process's callback: a signature made with the server's own secret is its key (403 without)",
    "djstripe_webhook_by_uuid": "Stripe's webhook endpoint: a signature made with the endpoint's secret is its key (400 without); the school comes from the Stripe customer",
}
# Parameters that name no tenant object, and why.
NOT_OBJECT_IDS = {
    "school_slug": "the school itself: the middleware answers 404 for a school you are not in",
    "package_key": "a package of the public price table",
    "kind": "a legal page (Impressum, privacy notice, terms): the same for every school",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def our_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from our_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and pattern.lookup_str.startswith(OUR_APPS):
            yield pattern.name, PARAMETER.findall(route)


@pytest.fixture
def school_b(db):
    enrollment = EnrollmentFactory(classroom__school=SchoolFactory(slug="school-b"))
    assignment = AssignmentFactory(classroom=enrollment.classroom)
    return {
        "assignment_id": assignment.pk,
        "classroom_id": enrollment.classroom.pk,
        "member_id": enrollment.student.pk,
        "invitation_id": InvitationFactory(school=enrollment.school).pk,
        "training_id": (
            training := TrainingFactory(
                student=enrollment.student,
                classroom=enrollment.classroom,
                status=Status.COMPLETED,  # a finished model: the library's pages show it
                hub_model_id="edubotics-ai/school-b-model",
            )
        ).pk,
        "session_id": ControlSession.objects.create(
            school=enrollment.school, student=enrollment.student, training=training
        ).pk,
        "server_id": InferenceServer.objects.create(
            school=enrollment.school,
            training=training,
            started_by=enrollment.student,
            gpu_type="A10G",
            cost_per_hour_eur=1,
        ).pk,
        "submission_id": Submission.objects.create(
            school=enrollment.school,
            assignment=assignment,
            student=enrollment.student,
            training=training,
            handed_in_at=assignment.due_at,
        ).pk,
        "export_id": DataExport.objects.create(
            school=enrollment.school, subject=enrollment.student
        ).pk,
        "request_id": ErasureRequest.objects.create(
            school=enrollment.school, member=enrollment.student
        ).pk,
        "api_token_id": api_token_create(actor=enrollment.student)[0].pk,
        "import_id": StudentImport.objects.create(
            school=enrollment.school,
            classroom=enrollment.classroom,
            started_by=enrollment.classroom.primary_teacher,
            total=1,
        ).pk,
        "batch_id": ImportBatch.objects.create(school=enrollment.school).pk,
    }


def test_every_object_url_is_a_404_with_another_schools_ids(school_b):
    member_a = AdminFactory(school=SchoolFactory(slug="school-a"))
    client = client_for(member_a)
    walked = []
    for name, parameters in our_patterns():
        ids = set(parameters) - set(NOT_OBJECT_IDS)
        if name in NOT_TENANT_IDS or not ids:
            continue
        unknown = ids - set(school_b)
        assert not unknown, f"{name}: map {unknown} to one of school B's objects in this test"
        kwargs = {p: school_b[p] for p in ids}
        if "school_slug" in parameters:
            kwargs["school_slug"] = "school-a"  # the API takes the school from the signed-in user
        url = reverse(name, kwargs=kwargs)
        # A method the view does not serve answers 405 whatever the id, which tells nothing;
        # every method it does serve (the API's PATCH and DELETE too) must answer 404.
        answers = {
            client.generic(method, url).status_code for method in ("GET", "POST", "PATCH", "DELETE")
        }
        assert answers <= {404, 405} and 404 in answers, f"{url}: {answers}"
        walked.append(name)
    assert len(walked) >= 20  # the walk really found the tenant URLs


def test_a_school_page_of_a_school_you_do_not_belong_to_is_a_404(school_b):
    member_a = AdminFactory(school=SchoolFactory(slug="school-a"))
    assert client_for(member_a).get("/s/school-b/").status_code == 404
    assert client_for(member_a).get("/s/no-such-school/").status_code == 404


def test_a_deactivated_member_loses_the_school(admin, as_admin):
    admin.is_active = False
    admin.save()
    assert as_admin.get(f"/s/{admin.school.slug}/").status_code == 404


def test_school_pages_ask_anonymous_visitors_to_sign_in(school):
    response = Client().get(f"/s/{school.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("training_new", "again=training_id"),
        ("training_list", "classroom=classroom_id"),
        ("training_list", "student=member_id"),
        ("model_library", "student=member_id"),
        ("ratings_by_student", "classroom=classroom_id"),
        ("assignment_list", "classroom=classroom_id"),
    ],
)
def test_another_schools_id_in_the_query_string_is_a_404(school_b, name, query):
    key, field = query.split("=")
    client = client_for(AdminFactory(school=SchoolFactory(slug="school-a")))
    url = reverse(name, args=["school-a"]) + f"?{key}={school_b[field]}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/trainings", {"student_id": "member_id", "dataset": "a/b", "policy_type": "ACT"}),
        ("/api/v1/control-sessions", {"training_id": "training_id"}),
    ],
)
def test_another_schools_id_in_an_api_body_is_a_404(school_b, path, body):
    client = client_for(AdminFactory(school=SchoolFactory(slug="school-a")))
    payload = {key: school_b.get(value, value) for key, value in body.items()}
    response = client.post(path, payload, content_type="application/json")
    assert response.status_code == 404 and response.json()["message"]
