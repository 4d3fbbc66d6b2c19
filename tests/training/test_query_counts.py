"""Training lists keep a flat query count at any size; every training step is audited once."""

import html
import re

import pytest
from django.urls import reverse

from schools.models import AuditEvent
from schools.services.tokens import api_token_create
from tests.factories import EnrollmentFactory, TrainingFactory
from training.models import Status, Training
from training.services.lifecycle import training_cancel
from training.services.start import training_start

from .conftest import DEMO


@pytest.mark.parametrize("count", [3, 30])
def test_the_classroom_trainings_page_is_flat(
    as_teacher, classroom, count, django_assert_num_queries
):
    for _ in range(count):
        TrainingFactory(student=EnrollmentFactory(classroom=classroom).student, classroom=classroom)
    url = reverse("training_list", args=[classroom.school.slug]) + f"?classroom={classroom.pk}"
    as_teacher.get(url)
    # session, user, membership, classroom, page of trainings (no count), schools for the switcher
    with django_assert_num_queries(6):
        page = as_teacher.get(url).content.decode()
    assert page.count("edubotics-ai/") == min(count, 25)  # a page of 25
    assert ("older →" in page) == (count > 25)
    if count > 25:  # the older page keeps the classroom filter and holds the rest
        older = html.unescape(re.search(r'href="([^"]+)">older', page).group(1))
        assert f"classroom={classroom.pk}" in older
        assert as_teacher.get(older).content.decode().count("edubotics-ai/") == count - 25


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_list_is_flat(student, count, django_assert_num_queries):
    for _ in range(count):
        TrainingFactory(student=student)
    _token, value = api_token_create(actor=student)
    headers = {"authorization": f"Token {value}"}
    from django.test import Client

    client = Client(headers=headers)
    # token+user, memberships, page (no count)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/trainings")
    assert len(response.json()["results"]) == min(count, 25)  # a page of 25
    assert (response.json()["next"] is None) == (count <= 25)


def test_created_status_changes_and_cancel_are_audited_once_each(
    fake_modal, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        training = training_start(actor=student, student=student, dataset=DEMO, policy_type="ACT")
    training_cancel(actor=student, training=Training.objects.get(pk=training.pk))
    actions = list(
        AuditEvent.objects.filter(object_id=str(training.pk))
        .order_by("created_at", "pk")
        .values_list("action", "data")
    )
    assert [a for a, _ in actions] == [
        "training_created",
        "training_status_changed",
        "training_status_changed",
        "training_cancelled",
    ]
    assert [d for a, d in actions if a == "training_status_changed"] == [
        {"from": "pending", "to": "queued"},
        {"from": "queued", "to": "cancelled"},
    ]
    assert Training.objects.get(pk=training.pk).status == Status.CANCELLED
