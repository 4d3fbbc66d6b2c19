"""Trainings of robot-learning policies, run as GPU jobs and followed to the end."""

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import Classroom, Membership, SchoolOwned


class PolicyType(models.TextChoices):
    ACT = "ACT", "ACT"
    ACT_BBOX = "ACT_BBOX", "ACT + BBox"
    GR00T = "GR00T", "GR00T"


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (Status.PENDING, Status.QUEUED, Status.RUNNING)
FINISHED_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


def new_callback_secret():
    return secrets.token_hex(32)


class Training(SchoolOwned):
    student = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("student")
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("classroom"),
    )
    started_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Kept as a string: the assignments app builds on this one.
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("assignment"),
    )
    model_name = models.CharField(_("model name"), max_length=120)
    dataset = models.CharField(
        _("dataset"),
        max_length=200,
        help_text=_("A LeRobot dataset on the Hugging Face Hub: owner/name"),
    )
    policy_type = models.CharField(_("policy type"), max_length=12, choices=PolicyType.choices)
    object_description = models.CharField(_("object to detect"), max_length=200, blank=True)
    steps = models.PositiveIntegerField(_("steps"), null=True, blank=True)
    batch_size = models.PositiveIntegerField(_("batch size"), null=True, blank=True)
    epochs = models.PositiveIntegerField(_("epochs"), null=True, blank=True)
    learning_rate = models.FloatField(_("learning rate"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress_step = models.PositiveIntegerField(_("step"), default=0)
    progress_total = models.PositiveIntegerField(_("of steps"), default=0)
    latest_loss = models.FloatField(_("latest loss"), null=True, blank=True)
    loss_curve = models.JSONField(
        _("loss curve"), default=list, blank=True, help_text=_("[[step, loss], …]")
    )
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    log_tail = models.TextField(_("last lines of the log"), blank=True)
    submit_key = models.UUIDField(
        _("submission key"),
        null=True,
        blank=True,
        help_text=_(
            "Stored before the GPU job is submitted, so a retry never starts a second one."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(
        _("submissions"),
        default=0,
        help_text=_(
            "How often this attempt was handed to the GPU backend (again if it never started)."
        ),
    )
    backend_call_id = models.CharField(_("backend call id"), max_length=120, blank=True)
    callback_secret = models.CharField(max_length=64, default=new_callback_secret, editable=False)
    hub_model_id = models.CharField(_("model on the Hub"), max_length=200, blank=True)
    gpu_type = models.CharField(_("GPU"), max_length=20, default="A100-40GB")
    region = models.CharField(_("region"), max_length=10, default="eu")
    duration_seconds = models.PositiveIntegerField(
        _("training duration (s)"), null=True, blank=True
    )
    cost_estimate_eur = models.DecimalField(
        _("cost estimate (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    cost_eur = models.DecimalField(
        _("cost (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    off_peak = models.BooleanField(_("off-peak (nightly)"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last report"), null=True, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["school", "created_at"]),  # lists, newest first
            models.Index(fields=["student", "created_at"]),  # a student's list, newest first
            models.Index(fields=["school", "started_at"]),  # the month's quota count
            models.Index(fields=["student", "status"]),
            models.Index(fields=["status", "off_peak"]),
            models.Index(fields=["school", "completed_at"]),  # dashboards: per day / per month
            models.Index(fields=["classroom", "status"]),
        ]

    def __str__(self):
        return self.model_name

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.status == Status.COMPLETED:
            return 100
        return round(100 * self.progress_step / self.progress_total) if self.progress_total else 0

    def new_submit_key(self):
        self.submit_key = uuid.uuid4()


class TrainingDay(SchoolOwned):
    """The trainings that ended on one of the school's days, summed, so the dashboard's history
    reads a few hundred rows however long the school's record. Kept by the transaction that ends
    a training (training.services.rollup); rebuilt from the trainings by ``rebuild_rollup``.
    GPU inference servers, once they exist, add their hours here too."""

    day = models.DateField(_("day"))
    completed = models.PositiveIntegerField(_("completed"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    gpu_seconds = models.PositiveBigIntegerField(_("GPU seconds"), default=0)
    cost_eur = models.DecimalField(_("cost (EUR)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("training day")
        verbose_name_plural = _("training days")
        constraints = [
            models.UniqueConstraint(fields=["school", "day"], name="one_training_day_per_school")
        ]

    def __str__(self):
        return f"{self.school_id} {self.day}"


class ControlSession(SchoolOwned):
    """A student runs a trained model on a robot (the robot app opens and closes it), then says
    how it went. Teachers read the ratings."""

    student = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="control_sessions",
        verbose_name=_("student"),
    )
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="control_sessions", verbose_name=_("model")
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    data = models.JSONField(_("recorded data"), default=dict, blank=True)
    feedback = models.TextField(_("feedback"), blank=True, max_length=2000)
    rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        verbose_name = _("AI control session")
        verbose_name_plural = _("AI control sessions")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["school", "student"])]

    def __str__(self):
        return f"{self.training} ({self.started_at:%Y-%m-%d %H:%M})"
