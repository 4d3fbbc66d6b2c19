"""Every code has a name: the key pages, in German, show no raw policy, status, role, package or
audit code in their visible text (links, element ids and <code> datasets aside), and the Django
admin shows staff only the models they use."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse
from djstripe.models import APIKey, Customer

from schools.models import AuditAction, AuditEvent
from tests.conftest import client_for
from tests.factories import AssignmentFactory, TrainingFactory, UserFactory
from training.models import BudgetEntry, PolicyType, Status

RAW_CODE = re.compile(
    r"\b(ACT_BBOX|awaiting|pending|queued|running|completed|failed|cancelled|past_due|trialing"
    r"|trial|starter|standard|premium|enterprise|teacher|student|admin|none|reservation"
    r"|server_time|handed_in|training_cancelled|training_status_changed)\b"
    r"|GR00T(?! N1\.5)"
)


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, or <code> (datasets and model ids)."""

    HIDDEN = {"script", "style", "code", "title"}

    def __init__(self):
        super().__init__()
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def raw_codes(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    parser = VisibleText()
    parser.feed(response.content.decode())
    return [m.group(0) for m in RAW_CODE.finditer(" ".join(parser.parts))]


@pytest.fixture
def german_school(school, admin, classroom, student):
    school.language = "de"
    school.package, school.subscription_status = "starter", "trial"
    school.save()
    for policy, status in [
        (PolicyType.ACT_BBOX, Status.AWAITING_APPROVAL),
        (PolicyType.GR00T, Status.PENDING),
        (PolicyType.ACT, Status.QUEUED),
        (PolicyType.ACT, Status.RUNNING),
        (PolicyType.ACT_BBOX, Status.COMPLETED),
        (PolicyType.GR00T, Status.FAILED),
        (PolicyType.ACT, Status.CANCELLED),
    ]:
        training = TrainingFactory(
            student=student,
            classroom=classroom,
            policy_type=policy,
            status=status,
            duration_seconds=1653,
            cost_estimate_eur=Decimal("1.20"),
            error_message="CUDA out of memory" if status == Status.FAILED else "",
            hub_model_id="edubotics-ai/m" if status == Status.COMPLETED else "",
            loss_curve=[[1, 0.9], [2, 0.5]],
        )
        BudgetEntry.objects.create(
            school=school,
            kind=BudgetEntry.Kind.RESERVATION,
            amount_eur=Decimal("1.20"),
            training=training,
            classroom=classroom,
        )
        AuditEvent.objects.create(
            school=school,
            action=AuditAction.TRAINING_STATUS_CHANGED,
            actor_label="EduBotics",
            object_type="training",
            object_id=str(training.pk),
            data={"from": "pending", "to": status},
        )
    AuditEvent.objects.create(
        school=school,
        action=AuditAction.MEMBER_ROLE_CHANGED,
        actor=admin,
        object_type="membership",
        object_id=str(student.pk),
        data={"from": "teacher", "to": "admin"},
    )
    AssignmentFactory(classroom=classroom, policy_type=PolicyType.ACT_BBOX)
    return school


def pages(school, classroom, student):
    trainings = student.trainings.all()
    slug = school.slug
    return [
        reverse("dashboard", args=[slug]),
        reverse("training_list", args=[slug]),
        *[reverse("training_detail", args=[slug, t.pk]) for t in trainings],
        reverse("model_library", args=[slug]),
        reverse("classroom_progress", args=[slug, classroom.pk]),
        reverse("student_progress", args=[slug, student.pk]),
        reverse("assignment_list", args=[slug]),
    ]


def test_teacher_and_admin_pages_name_every_code(german_school, admin, classroom, student):
    as_admin = client_for(admin)
    for url in [
        *pages(german_school, classroom, student),
        reverse("audit_log", args=[german_school.slug]),
        reverse("budget", args=[german_school.slug]),
        reverse("billing", args=[german_school.slug]),
    ]:
        assert raw_codes(as_admin.get(url)) == [], url


def test_student_pages_name_every_code(german_school, student):
    as_student = client_for(student)
    slug = german_school.slug
    for url in [
        reverse("dashboard", args=[slug]),
        reverse("training_list", args=[slug]),
        reverse("model_library", args=[slug]),
        *[reverse("training_detail", args=[slug, t.pk]) for t in student.trainings.all()],
    ]:
        assert raw_codes(as_student.get(url)) == [], url


def test_the_names_are_german(german_school, admin, student):
    failed = student.trainings.get(status=Status.FAILED)
    page = client_for(admin).get(reverse("training_detail", args=[german_school.slug, failed.pk]))
    text = page.content.decode()
    assert "GR00T N1.5" in text and "Batch size kleiner wählen" in text
    progress = client_for(admin).get(
        reverse("student_progress", args=[german_school.slug, student.pk])
    )
    assert "28 Min." in progress.content.decode() and "1653" not in progress.content.decode()
    library = client_for(admin).get(reverse("model_library", args=[german_school.slug]))
    assert "ACT mit Objekterkennung" in library.content.decode()


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    return client


def test_the_django_admin_names_every_code_in_german(staff_client, german_school):
    for name in [
        "admin:schools_school_changelist",
        "admin:training_training_changelist",
        "admin:billing_billingaccount_changelist",
        "admin:schools_auditevent_changelist",
        "admin:training_budgetentry_changelist",
    ]:
        assert raw_codes(staff_client.get(reverse(name))) == [], name
    schools = staff_client.get(reverse("admin:schools_school_changelist")).content.decode()
    assert "Starter" in schools and "kostenloser Test" in schools and "Name in der URL" in schools


def test_the_django_admin_keeps_only_the_stripe_models_staff_use(staff_client):
    assert django_admin.site.is_registered(Customer)
    assert not django_admin.site.is_registered(APIKey)
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "Stripe-Kunden" in index and "Api keys" not in index and "Account v2s" not in index
