"""Starting a training: who may, the dataset, the defaults, and every limit with its message."""

from datetime import timedelta

import pytest
from django.utils import timezone

from schools.errors import ApplicationError
from schools.models import School
from tests.factories import ClassroomFactory, EnrollmentFactory, TeacherFactory, TrainingFactory
from training.models import Status, Training
from training.selectors import trainings_counted_this_month
from training.services.lifecycle import payload_for
from training.services.start import training_start

from .conftest import DEMO


def start(actor, student=None, **kwargs):
    return training_start(
        actor=actor,
        student=student or actor,
        dataset=kwargs.pop("dataset", DEMO),
        policy_type=kwargs.pop("policy_type", "ACT"),
        **kwargs,
    )


def test_a_student_starts_their_own_training_with_defaults_from_the_dataset(
    fake_modal, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        training = start(student)
    training.refresh_from_db()
    # No cameras in the demo dataset: batch 120, steps min(800000/120, 8000).
    assert (training.batch_size, training.steps, training.progress_total) == (120, 6666, 6666)
    assert (
        training.status == Status.QUEUED
        and training.backend_call_id == fake_modal.spawns[0].object_id
    )
    assert training.model_name.startswith(f"edubotics-ai/{student.school.slug}-act-")
    assert (
        student.user.username not in training.model_name
        and student.user.last_name not in training.model_name
    )
    assert training.classroom is not None and training.cost_estimate_eur > 0
    payload = fake_modal.spawns[0].payload
    assert payload["dataset"] == DEMO and payload["callback_url"].endswith(
        f"/api/v1/trainings/{training.pk}/events"
    )
    assert fake_modal.spawns[0].function_name == "train_act"


def test_gr00t_defaults_and_act_bbox_needs_an_object(fake_modal, student):
    training = start(student, policy_type="GR00T")
    # 10 epochs of the demo's 720 frames in batches of 64: ceil(7200 / 64) steps, on the 80 GB GPU.
    assert (training.epochs, training.batch_size, training.steps) == (10, 64, 113)
    assert (training.progress_total, training.gpu_type) == (113, "A100-80GB")
    assert payload_for(training)["steps"] == 113  # what the GPU job is asked to train
    with pytest.raises(ApplicationError, match="description of the object"):
        start(student, policy_type="ACT_BBOX")


def test_teachers_start_for_students_of_their_classrooms_only(fake_modal, teacher, student, school):
    assert start(teacher, student).student == student
    stranger = EnrollmentFactory(classroom=ClassroomFactory(school=school)).student
    with pytest.raises(ApplicationError, match="students of their own classrooms"):
        start(teacher, stranger)


def test_a_student_cannot_start_for_another(fake_modal, student, school, classroom):
    other = EnrollmentFactory(classroom=classroom).student
    with pytest.raises(ApplicationError, match="their own"):
        start(student, other)


def test_a_student_has_at_most_two_active_trainings(fake_modal, student):
    start(student)
    start(student)
    with pytest.raises(ApplicationError, match="already has 2 trainings"):
        start(student)


def test_the_school_runs_at_most_its_concurrent_limit_and_offers_tonight(fake_modal, classroom):
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(4)]
    for s in students[:3]:
        start(s)  # the trial (Starter) runs 3 at once
    with pytest.raises(
        ApplicationError, match="3 trainings of this school are already waiting or running"
    ):
        start(students[3])
    tonight = start(students[3], off_peak=True)
    assert tonight.status == Status.PENDING and not fake_modal.spawns[3:]


def test_the_monthly_quota_says_when_it_frees_up(fake_modal, student, school):
    School.objects.filter(pk=school.pk).update(monthly_training_quota=2)
    TrainingFactory(student=student, status=Status.COMPLETED, started_at=timezone.now())
    TrainingFactory(student=student, status=Status.COMPLETED, started_at=timezone.now())
    with pytest.raises(
        ApplicationError, match=r"used its 2 trainings for this month .* More are possible from"
    ):
        start(student)


def test_what_counts_against_the_quota(student, school):
    now = timezone.now()
    TrainingFactory(student=student, status=Status.COMPLETED, started_at=now)
    TrainingFactory(student=student, status=Status.CANCELLED, started_at=now)  # ran, then cancelled
    TrainingFactory(student=student, status=Status.CANCELLED, started_at=None)  # never ran
    TrainingFactory(student=student, status=Status.FAILED, started_at=now)
    TrainingFactory(student=student, status=Status.COMPLETED, started_at=now - timedelta(days=40))
    assert trainings_counted_this_month(school).count() == 2


def test_a_restricted_school_starts_nothing(fake_modal, student, school):
    School.objects.filter(pk=school.pk).update(entitled=False)
    with pytest.raises(
        ApplicationError, match="cannot start until a school admin chooses a package"
    ):
        start(student)
    assert not Training.objects.exists()


def test_an_inactive_student_gets_no_training(fake_modal, teacher, student):
    student.is_active = False
    student.save()
    with pytest.raises(ApplicationError, match="active students"):
        start(teacher, student)


def test_a_teacher_without_classes_is_refused_for_any_student(fake_modal, school, student):
    with pytest.raises(ApplicationError):
        start(TeacherFactory(school=school), student)
