"""Assignments a teacher hands out to a classroom, and the models students hand in for them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schools.models import Classroom, Membership, SchoolOwned
from training.models import PolicyType, Training


class Grading(models.TextChoices):
    GERMAN = "german", _("German grades 1–6")
    POINTS = "points", _("Points")
    PASS_FAIL = "pass_fail", _("Passed / not passed")


class Assignment(SchoolOwned):
    """A task for one classroom: a draft until the teacher publishes it."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("classroom")
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(
        _("instructions"), blank=True, max_length=20_000, help_text=_("Markdown")
    )
    datasets = models.TextField(
        _("allowed datasets"),
        blank=True,
        help_text=_("One Hub dataset (owner/name) per line. Empty: the students use their own."),
    )
    policy_type = models.CharField(
        _("policy type"), max_length=12, choices=PolicyType.choices, default=PolicyType.ACT
    )
    max_steps = models.PositiveIntegerField(
        _("at most steps"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_cost_eur = models.DecimalField(
        _("at most cost per training (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    due_at = models.DateTimeField(_("due"))
    grading = models.CharField(
        _("graded with"), max_length=10, choices=Grading.choices, default=Grading.GERMAN
    )
    max_points = models.PositiveIntegerField(
        _("maximum points"), null=True, blank=True, help_text=_("Only for grading with points.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["classroom", "due_at"])]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def allowed_datasets(self) -> list[str]:
        return [line.strip() for line in self.datasets.splitlines() if line.strip()]

    def is_past_due(self, now=None) -> bool:
        return (now or timezone.now()) > self.due_at

    def training_problem(self, *, dataset: str, policy_type: str, steps, cost_eur) -> str:
        """Why a training does not fit this assignment ("" when it does), for the student."""
        if not self.is_published:
            return gettext("This assignment is not published yet.")
        allowed = self.allowed_datasets
        if allowed and dataset.lower() not in {name.lower() for name in allowed}:
            return gettext("This assignment allows these datasets: %(names)s.") % {
                "names": ", ".join(allowed)
            }
        if policy_type != self.policy_type:
            return gettext("This assignment is trained with %(policy)s.") % {
                "policy": self.get_policy_type_display()
            }
        if self.max_steps and steps and steps > self.max_steps:
            return gettext("This assignment allows at most %(steps)d steps.") % {
                "steps": self.max_steps
            }
        if self.max_cost_eur is not None and cost_eur is not None and cost_eur > self.max_cost_eur:
            return gettext(
                "This training would cost about %(cost)s €; the assignment allows %(limit)s €."
            ) % {"cost": cost_eur, "limit": self.max_cost_eur}
        return ""


class HandInState(models.TextChoices):
    """Where a student stands with an assignment; computed from the due date, never stored."""

    OPEN = "open", _("open")
    HANDED_IN = "handed_in", _("handed in")
    LATE = "late", _("handed in late")
    MISSING = "missing", _("missing")
    RETURNED = "returned", _("returned")


class Submission(SchoolOwned):
    """One student's hand-in: a model they trained for the assignment, and a reflection. The
    teacher's feedback and grade are the student's to read once returned."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("assignment"),
    )
    student = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("student"),
    )
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="hand_ins", verbose_name=_("model")
    )
    reflection = models.TextField(_("reflection"), max_length=4000, blank=True)
    handed_in_at = models.DateTimeField(_("handed in"))
    feedback = models.TextField(_("feedback"), max_length=4000, blank=True)
    grade = models.DecimalField(
        _("grade"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("A German grade (1–6) or points."),
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    graded_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_submission_per_student"
            )
        ]
        indexes = [
            # The home page's hand-ins to grade: the school's not yet returned, the oldest first.
            models.Index(
                fields=["school", "handed_in_at", "id"],
                condition=Q(returned_at=None),
                name="submission_to_grade",
            )
        ]

    def __str__(self):
        return f"{self.assignment} · {self.student}"

    @property
    def is_late(self) -> bool:
        return self.handed_in_at > self.assignment.due_at

    @property
    def state(self) -> str:
        if self.returned_at:
            return HandInState.RETURNED
        return HandInState.LATE if self.is_late else HandInState.HANDED_IN

    @property
    def grade_display(self) -> str:
        """The grade as a German teacher writes it: 2,5 · 17 / 20 · passed."""
        if self.assignment.grading == Grading.PASS_FAIL:
            if self.passed is None:
                return ""
            return gettext("passed") if self.passed else gettext("not passed")
        if self.grade is None:
            return ""
        number = f"{self.grade.normalize():f}".replace(".", ",")
        if self.assignment.grading == Grading.POINTS and self.assignment.max_points:
            return f"{number} / {self.assignment.max_points}"
        return number
