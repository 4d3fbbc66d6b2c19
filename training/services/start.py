"""Starting a training: who may, the dataset's defaults, and every limit and the GPU budget,
checked in one transaction that locks the school row (which also reserves the estimate)."""

import uuid

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schools.access import classrooms_taught_by
from schools.audit import audit_record
from schools.errors import ApplicationError
from schools.models import AuditAction, Classroom, Membership, Restriction, Role, School

from ..costs import estimate
from ..datasets import dataset_check, model_repo_id
from ..models import ACTIVE_STATUSES, PolicyType, Status, Training
from ..selectors import next_month_start, trainings_counted_this_month
from .budget import budget_check, budget_needs_approval, budget_reserve

STUDENT_ACTIVE_LIMIT = 2


def default_parameters(policy: str, cameras: int, steps, batch_size, epochs):
    """Defaults derived from the dataset, for what the student left empty."""
    if policy == PolicyType.GR00T:
        return None, batch_size or 64, epochs or 10
    batch = batch_size or max(1, 120 // max(cameras, 1))
    return steps or min(800_000 // batch, 8_000), batch, None


def _check_student(actor: Membership, student: Membership, classroom: Classroom | None):
    if (
        student.school_id != actor.school_id
        or student.role != Role.STUDENT
        or not student.is_active
    ):
        raise ApplicationError(_("Trainings are started for active students of this school."))
    if actor.role == Role.STUDENT and actor.pk != student.pk:
        raise ApplicationError(_("Students start their own trainings."))
    if actor.role == Role.TEACHER:
        taught = Classroom.objects.for_school(actor.school).filter(classrooms_taught_by(actor))
        if not student.enrollments.filter(classroom__in=taught).exists():
            raise ApplicationError(
                _("Teachers start trainings for students of their own classrooms.")
            )
    if classroom is not None and not classroom.enrollments.filter(student=student).exists():
        raise ApplicationError(_("The student is not in this classroom."), field="classroom")


def check_limits(school: School, student: Membership, off_peak: bool):
    """Inside the transaction that locked the school row: no start slips past a limit."""
    if reason := school.restriction():
        raise ApplicationError(
            _(
                "%(reason)s New trainings cannot start until a school admin chooses a package under Billing."
            )
            % {"reason": Restriction(reason).label}
        )
    trainings = Training.objects.for_school(school)
    used = trainings_counted_this_month(school).count()
    active = trainings.filter(status__in=ACTIVE_STATUSES)
    if used + active.count() >= school.monthly_training_quota:
        raise ApplicationError(
            _(
                "The school has used its %(quota)d trainings for this month (%(used)d ran, %(active)d waiting or running). More are possible from %(date)s."
            )
            % {
                "quota": school.monthly_training_quota,
                "used": used,
                "active": active.count(),
                "date": date_format(next_month_start(school), "DATE_FORMAT"),
            }
        )
    if not off_peak and active.filter(off_peak=False).count() >= school.concurrent_training_limit:
        raise ApplicationError(
            _(
                "%(limit)d trainings of this school are already waiting or running, the most at once. A slot frees up when one of them finishes; or queue this one for tonight."
            )
            % {"limit": school.concurrent_training_limit}
        )
    if active.filter(student=student).count() >= STUDENT_ACTIVE_LIMIT:
        raise ApplicationError(
            _(
                "%(name)s already has %(limit)d trainings waiting or running. Start the next one when one of them finishes."
            )
            % {
                "name": str(student.user),
                "limit": STUDENT_ACTIVE_LIMIT,
            }
        )


def training_start(
    *,
    actor: Membership,
    student: Membership,
    dataset: str,
    policy_type: str,
    classroom: Classroom | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    epochs: int | None = None,
    learning_rate: float | None = None,
    object_description: str = "",
    off_peak: bool = False,
    assignment=None,
) -> Training:
    """``assignment``: the published assignment the training is for; its classroom, dataset,
    policy and limits apply."""
    if assignment is not None:
        classroom = assignment.classroom
    _check_student(actor, student, classroom)
    if policy_type == PolicyType.ACT_BBOX and not object_description.strip():
        raise ApplicationError(
            _("ACT with bounding boxes needs a short description of the object to detect."),
            field="object_description",
        )
    info = dataset_check(dataset)  # outside the lock: it asks the Hub
    steps, batch_size, epochs = default_parameters(
        policy_type, info.cameras, steps, batch_size, epochs
    )
    guess = estimate(
        policy=policy_type, steps=steps, batch_size=batch_size, epochs=epochs, frames=info.frames
    )
    if assignment is not None and (
        problem := assignment.training_problem(
            dataset=info.repo_id,
            policy_type=policy_type,
            steps=guess.steps,
            cost_eur=guess.cost_eur,
        )
    ):
        raise ApplicationError(problem)
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=actor.school_id)
        check_limits(school, student, off_peak)
        short_id = uuid.uuid4().hex[:8]
        classroom = (
            classroom
            or Classroom.objects.for_school(school).filter(enrollments__student=student).first()
        )
        budget_check(school=school, classroom=classroom, amount=guess.cost_eur)
        awaiting = budget_needs_approval(school=school, actor=actor, amount=guess.cost_eur)
        training = Training.objects.create(
            school=school,
            student=student,
            classroom=classroom,
            started_by=actor,
            dataset=info.repo_id,
            policy_type=policy_type,
            object_description=object_description.strip(),
            steps=guess.steps,  # GR00T's epochs as the steps LeRobot trains
            batch_size=batch_size,
            epochs=epochs,
            learning_rate=learning_rate,
            off_peak=off_peak,
            assignment=assignment,
            model_name=model_repo_id(
                school_slug=school.slug, policy=policy_type, short_id=short_id
            ),
            progress_total=guess.steps,
            gpu_type=guess.gpu,
            cost_estimate_eur=guess.cost_eur,
            status=Status.AWAITING_APPROVAL if awaiting else Status.PENDING,
        )
        budget_reserve(training=training)
        audit_record(
            school=school,
            action=AuditAction.TRAINING_CREATED,
            actor=actor,
            target=training,
            data={"policy": policy_type, "dataset": info.repo_id},
        )
        if not off_peak and not awaiting:
            queue_submit(training)
    return training


def queue_submit(training: Training):
    from ..tasks import (
        submit_training,  # tasks import services; the queueing goes the other way once
    )

    transaction.on_commit(lambda: submit_training.delay(training.pk))
