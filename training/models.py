"""Trainings of robot-learning policies, run as GPU jobs and followed to the end."""

import secrets
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Classroom, Membership, SchoolOwned

from .costs import cost_for
from .failures import failure_hint


class PolicyType(models.TextChoices):
    ACT = "ACT", "ACT"
    ACT_BBOX = "ACT_BBOX", _("ACT with object detection")
    GR00T = "GR00T", "GR00T N1.5"


class Status(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", _("awaiting approval")
    PENDING = "pending", _("pending")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


# Awaiting a teacher's approval counts as active: it holds its budget and the student's slots.
ACTIVE_STATUSES = (Status.AWAITING_APPROVAL, Status.PENDING, Status.QUEUED, Status.RUNNING)
FINISHED_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


# The library's models: finished trainings with a model on the Hub.
LIBRARY = Q(status=Status.COMPLETED) & ~Q(hub_model_id="")
NO_LOSS = 1e300  # sorts a model without a loss after every real one


def new_callback_secret():
    return secrets.token_hex(32)


class Training(SchoolOwned):
    # Empty once the student's data was erased: the training stays in the school's statistics.
    student = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("student"),
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
    # The model's control sessions summed up for the library, kept by the transactions that open
    # and rate a session (training.services.sessions); recounted by ``rebuild_rollup``.
    session_count = models.PositiveIntegerField(_("control sessions"), default=0)
    rated_count = models.PositiveIntegerField(_("rated sessions"), default=0)
    success_count = models.PositiveIntegerField(_("sessions rated 4 or 5"), default=0)
    rating_total = models.PositiveIntegerField(_("sum of the ratings"), default=0)
    average_rating = models.FloatField(_("average rating"), null=True, blank=True)

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
            # The library's sorts other than the newest, over the school's finished models.
            models.Index(
                "school",
                Coalesce("latest_loss", NO_LOSS),
                F("id").desc(),
                name="training_library_loss",
                condition=LIBRARY,
            ),
            models.Index(
                "school",
                Coalesce("average_rating", 0.0).desc(),
                F("id").desc(),
                name="training_library_rating",
                condition=LIBRARY,
            ),
            models.Index(
                "school",
                F("session_count").desc(),
                F("id").desc(),
                name="training_library_sessions",
                condition=LIBRARY,
            ),
            # A classroom's progress: per day, the month's share of the quota, and per student
            # (the counted columns carried along, so only the index is read).
            models.Index(fields=["classroom", "completed_at"]),
            models.Index(fields=["classroom", "started_at"]),
            models.Index(
                fields=["classroom", "student"],
                include=["school", "status", "duration_seconds", "created_at"],
                name="training_classroom_students",
            ),
        ]

    def __str__(self):
        return self.model_name

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def failure_hint(self) -> str:
        return failure_hint(self.error_message) if self.status == Status.FAILED else ""

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
    Inference servers add their GPU time and cost to the day they stopped, and the GPU ledger's
    entries their charge or refund to the day they were made (the budget page's chart)."""

    day = models.DateField(_("day"))
    completed = models.PositiveIntegerField(_("completed"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    gpu_seconds = models.PositiveBigIntegerField(_("GPU seconds"), default=0)
    cost_eur = models.DecimalField(_("cost (EUR)"), max_digits=12, decimal_places=2, default=0)
    charged_eur = models.DecimalField(
        _("charged to the budget (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    refunded_eur = models.DecimalField(
        _("refunded to the budget (EUR)"), max_digits=12, decimal_places=2, default=0
    )

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
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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


class ServerStatus(models.TextChoices):
    STARTING = "starting", _("starting")
    RUNNING = "running", _("running")
    STOPPING = "stopping", _("stopping")
    STOPPED = "stopped", _("stopped")
    ERROR = "error", _("error")


ACTIVE_SERVER_STATUSES = (ServerStatus.STARTING, ServerStatus.RUNNING, ServerStatus.STOPPING)


class InferenceServer(SchoolOwned):
    """One trained model served on a GPU with LeRobot's async-inference policy server, for the
    member who started it. Only a client that sends ``secret`` gets past the server's check."""

    training = models.ForeignKey(
        Training,
        on_delete=models.PROTECT,
        related_name="inference_servers",
        verbose_name=_("model"),
    )
    started_by = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="inference_servers",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ServerStatus.choices, default=ServerStatus.STARTING
    )
    submit_key = models.UUIDField(_("submission key"), default=uuid.uuid4, editable=False)
    backend_call_id = models.CharField(_("backend call id"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    secret = models.CharField(max_length=64, default=new_callback_secret, editable=False)
    callback_secret = models.CharField(max_length=64, default=new_callback_secret, editable=False)
    gpu_type = models.CharField(_("GPU"), max_length=20)
    region = models.CharField(_("region"), max_length=10, default="eu")
    cost_per_hour_eur = models.DecimalField(
        _("cost per hour (EUR)"), max_digits=6, decimal_places=2
    )
    cost_eur = models.DecimalField(
        _("cost (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    running_at = models.DateTimeField(_("running since"), null=True, blank=True)
    last_client_at = models.DateTimeField(_("last client activity"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = models.TextField(_("why it stopped"), blank=True)

    class Meta:
        verbose_name = _("inference server")
        verbose_name_plural = _("inference servers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["started_by", "status"]),
            models.Index(fields=["status"]),  # the follower's every-30-seconds scan
        ]

    def __str__(self):
        return f"{self.training} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in ACTIVE_SERVER_STATUSES

    @property
    def cost_so_far_eur(self):
        if self.cost_eur is not None:
            return self.cost_eur
        end = self.stopped_at or timezone.now()
        return cost_for(int((end - self.created_at).total_seconds()), self.gpu_type)


# The plan's target cost of one training; a package's budget is its monthly trainings × this.
EUR_PER_TRAINING = Decimal("2.50")


class BudgetSettings(SchoolOwned):
    """How a school spends its monthly GPU budget: staff may replace the package's amount, the
    school's admins set the per-training limit and the teacher approval threshold."""

    monthly_budget_eur = models.DecimalField(
        _("monthly GPU budget (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the package's trainings per month × 2.50 €."),
    )
    per_training_limit_eur = models.DecimalField(
        _("cost limit per training (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Empty: no limit beyond the budget."),
    )
    approval_threshold_eur = models.DecimalField(
        _("teacher approval above (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A student's training estimated above this waits for a teacher's approval."),
    )

    class Meta:
        verbose_name = _("GPU budget settings")
        verbose_name_plural = _("GPU budget settings")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="one_budget_settings_per_school")
        ]

    def __str__(self):
        return str(self.school)

    def monthly_budget(self) -> Decimal:
        if self.monthly_budget_eur is not None:
            return self.monthly_budget_eur
        return self.school.monthly_training_quota * EUR_PER_TRAINING


class ClassroomBudget(SchoolOwned):
    """An optional share of the school's monthly budget that one classroom's trainings may use."""

    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, related_name="budget", verbose_name=_("classroom")
    )
    monthly_eur = models.DecimalField(
        _("monthly share (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("classroom budget")
        verbose_name_plural = _("classroom budgets")

    def __str__(self):
        return f"{self.classroom}: {self.monthly_eur}"


class BudgetEntry(SchoolOwned):
    """One line of the school's GPU ledger. Nothing edits a balance: what a month has used is
    the sum of its entries (charges positive, refunds negative)."""

    class Kind(models.TextChoices):
        RESERVATION = "reservation", _("reservation")
        SETTLEMENT = "settlement", _("settlement")
        REFUND = "refund", _("refund")
        SERVER_TIME = "server_time", _("inference server time")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    training = models.ForeignKey(
        Training,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_entries",
        verbose_name=_("training"),
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("classroom"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "-created_at"]),
            models.Index(fields=["classroom", "created_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_eur} €"
