"""A student with data in every app: trainings (one with a model on the local Hub), a control
session with a rating, audit events, a class-list import; exports land in a temporary folder."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from schools.audit import audit_record
from schools.models import AuditAction, StudentImport
from tests.factories import EnrollmentFactory, StudentFactory, TrainingFactory
from training.models import ControlSession, Status
from training.services.rollup import training_rollup_rebuild


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HUB_LOCAL_DIR = str(tmp_path / "hub")
    settings.HF_TOKEN = ""
    return tmp_path


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what a transaction queued for after its commit (the export's task), as it would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def jurgen(classroom, media):
    """Jürgen Müller-Weiß, a student with a history."""
    student = StudentFactory(
        school=classroom.school,
        user__first_name="Jürgen",
        user__last_name="Müller-Weiß",
        user__username="juergen.mw",
    )
    EnrollmentFactory(classroom=classroom, student=student)
    finished = timezone.now() - timedelta(days=2)
    model = TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        completed_at=finished,
        duration_seconds=1800,
        cost_eur=Decimal("1.25"),
        latest_loss=0.0421,
        metrics={"success_rate": 0.8},
        loss_curve=[[100, 0.5], [200, 0.0421]],
        hub_model_id="edubotics-ai/goethe-act-jurgen1",
        log_tail="Jürgen Müller-Weiß started step 1",
    )
    TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.FAILED,
        completed_at=finished,
        duration_seconds=60,
        cost_eur=Decimal("0.05"),
    )
    (media / "hub" / "models" / model.hub_model_id).mkdir(parents=True)
    (media / "hub" / "models" / model.hub_model_id / "model.safetensors").write_bytes(b"weights")
    ControlSession.objects.create(
        school=student.school,
        student=student,
        training=model,
        rating=4,
        feedback="Jürgen: der Greifer hat gut gegriffen",
        data={"operator": "Jürgen Müller-Weiß"},
    )
    audit_record(
        school=student.school,
        action=AuditAction.TRAINING_CREATED,
        actor=student,
        target=model,
        data={"policy": "ACT"},
    )
    StudentImport.objects.create(
        school=student.school,
        classroom=classroom,
        started_by=classroom.primary_teacher,
        status=StudentImport.Status.FINISHED,
        total=1,
        done=1,
        rows=[{"first_name": "Jürgen", "last_name": "Müller-Weiß"}],
        credentials=[{"name": "Jürgen Müller-Weiß", "username": "juergen.mw"}],
    )
    training_rollup_rebuild(school=student.school)
    return student
