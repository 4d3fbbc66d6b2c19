"""The tenant: schools, their members, classrooms, enrollments and invitations.

Every row that belongs to a school subclasses ``SchoolOwned``; ``User`` is the one global model
(a person may belong to several schools).
"""

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# No look-alike letters or digits (0/O, 1/I/L), so a join code read off a projector is typed right.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 7
INVITATION_LIFETIME = timedelta(days=7)
# The data-processing agreement (AVV) a school accepts at sign-up; a new text gets a new version.
AVV_VERSION = "2026-12"


class User(AbstractUser):
    """A person. Admins and teachers sign in with e-mail; students with a username and no e-mail.

    An account the school made (a teacher added the student, or the student joined with a code)
    is ``managed_by_school``: it has no verified address of the person's own, so only that
    school's teachers can reset its password, and it never joins a second school.
    """

    managed_by_school = models.BooleanField(
        _("managed by the school"),
        default=False,
        help_text=_(
            "A student account the school made: a member of that school only, its password "
            "reset by the school's teachers."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Restriction(models.TextChoices):
    """Why a school may not add students or start trainings (it can still sign in, see and pay)."""

    NO_SUBSCRIPTION = "no_subscription", _("The school has no active package.")
    TRIAL_ENDED = "trial_ended", _("The free trial has ended.")
    PAYMENT_OVERDUE = "payment_overdue", _("The last payment failed and the grace period is over.")
    CANCELED = "canceled", _("The package was cancelled.")
    UNKNOWN_PACKAGE = "unknown_package", _("The school's package could not be determined.")
    UNKNOWN = "unknown", _("The school's subscription is not in good standing.")


class SubscriptionStatus(models.TextChoices):
    """Stripe's subscription statuses, and ours before there is one (billing writes them)."""

    NONE = "none", _("no package")
    TRIAL = "trial", _("free trial")
    TRIALING = "trialing", _("trial (Stripe)")
    ACTIVE = "active", _("active")
    PAST_DUE = "past_due", _("payment overdue")
    UNPAID = "unpaid", _("unpaid")
    CANCELED = "canceled", _("cancelled")
    INCOMPLETE = "incomplete", _("payment not completed")
    INCOMPLETE_EXPIRED = "incomplete_expired", _("payment not completed, expired")
    PAUSED = "paused", _("paused")


class School(models.Model):
    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=60,
        unique=True,
        help_text=_("The school's part of its pages' URLs."),
    )
    country = models.CharField(_("country"), max_length=2, default="DE")
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    analytics_opt_out = models.BooleanField(
        _("no anonymous usage statistics"),
        default=False,
        help_text=_("Send no product events (PostHog) about this school."),
    )
    server_idle_minutes = models.PositiveSmallIntegerField(
        _("stop idle inference servers after (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("An inference server without a robot connected stops after this long."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep students' data for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "After a student left the school or their last classroom was archived; then the "
            "student's data is erased automatically."
        ),
    )
    avv_version = models.CharField(_("AVV version accepted"), max_length=20, blank=True)
    avv_accepted_at = models.DateTimeField(_("AVV accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The limits billing keeps here (computed in billing.entitlements), so that schools and
    # training read them without importing billing. Denied by default.
    package = models.CharField(_("package"), max_length=20, blank=True)
    subscription_status = models.CharField(
        _("subscription status"),
        max_length=24,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.NONE,
    )
    seat_limit = models.PositiveIntegerField(
        _("student seats"), null=True, blank=True, default=0, help_text=_("Empty: unlimited.")
    )
    monthly_training_quota = models.PositiveIntegerField(_("trainings per month"), default=0)
    concurrent_training_limit = models.PositiveIntegerField(_("concurrent trainings"), default=0)
    entitled = models.BooleanField(_("may add students and start trainings"), default=False)
    entitled_until = models.DateTimeField(_("until"), null=True, blank=True)
    restriction_reason = models.CharField(
        _("restricted because"),
        max_length=24,
        choices=Restriction.choices,
        default=Restriction.NO_SUBSCRIPTION,
        blank=True,
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def package_name(self) -> str:
        """The package's name ("Standard"): billing's keys are the names in lower case, and the
        names are not translated."""
        return self.package.capitalize()

    def restriction(self, now=None) -> str:
        """Why the school may not grow right now ("" when it may); a trial or grace ends on time."""
        now = now or timezone.now()
        if self.entitled and (self.entitled_until is None or now < self.entitled_until):
            return ""
        if self.entitled:  # the time bound ran out, no job needed
            return (
                Restriction.PAYMENT_OVERDUE
                if self.subscription_status == "past_due"
                else Restriction.TRIAL_ENDED
            )
        return self.restriction_reason or Restriction.UNKNOWN

    def restriction_message(self) -> str:
        reason = self.restriction()
        return str(Restriction(reason).label) if reason else ""


class SchoolOwnedQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)


class SchoolOwned(models.Model):
    """A row that belongs to exactly one school; query it with ``.for_school(school)``."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, db_index=True, verbose_name=_("school")
    )

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", _("School admin")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")


def person_name(member: "Membership | None") -> str:
    """A member's name as pages show it (full name, else username); a member whose data was
    erased leaves trainings and sessions without one."""
    return str(member.user) if member is not None else gettext("a former member")


class Membership(SchoolOwned):
    """A user's place in a school. An active student membership takes a seat."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(
        _("left"), null=True, blank=True, help_text=_("When the member was deactivated.")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="one_membership_per_school")
        ]
        indexes = [models.Index(fields=["school", "role", "is_active"])]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.school})"

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def is_staff_member(self):
        """Teachers and admins: the people who run classrooms."""
        return self.role in (Role.ADMIN, Role.TEACHER)


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Classroom(SchoolOwned):
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("grade / subject"), max_length=120, blank=True)
    primary_teacher = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="primary_classrooms",
        verbose_name=_("primary teacher"),
    )
    co_teachers = models.ManyToManyField(
        Membership, blank=True, related_name="co_classrooms", verbose_name=_("co-teachers")
    )
    join_code = models.CharField(_("join code"), max_length=8, unique=True, default=new_join_code)
    join_code_enabled = models.BooleanField(_("join code active"), default=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_archived(self):
        return self.archived_at is not None


class Enrollment(SchoolOwned):
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("classroom")
    )
    student = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("student")
    )
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="one_enrollment_per_classroom"
            )
        ]

    def __str__(self):
        return f"{self.student.user} → {self.classroom}"


class StudentImport(SchoolOwned):
    """A class list too long to create while the teacher waits: its checked rows, the background
    task's progress, and then either every problem or the new passwords until the teacher
    collects them for the login sheet."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        REJECTED = "rejected", _("rejected")

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="+", verbose_name=_("classroom")
    )
    started_by = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("started by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("students"))
    done = models.PositiveIntegerField(_("prepared"), default=0)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    credentials = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=list, blank=True)  # students already there, skipped
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("class list import")
        verbose_name_plural = _("class list imports")

    def __str__(self):
        return f"{self.classroom} ({self.get_status_display()}, {self.done}/{self.total})"

    @property
    def is_over(self):
        return self.status in (self.Status.FINISHED, self.Status.REJECTED)


def new_invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + INVITATION_LIFETIME


class Invitation(SchoolOwned):
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[(Role.ADMIN, Role.ADMIN.label), (Role.TEACHER, Role.TEACHER.label)],
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()}, {self.school})"

    @property
    def is_pending(self):
        return not self.accepted_at and not self.revoked_at and self.expires_at > timezone.now()


class AuditAction(models.TextChoices):
    SCHOOL_SIGNED_UP = "school_signed_up", _("school signed up")
    CLASSROOM_CREATED = "classroom_created", _("classroom created")
    MEMBER_ADDED = "member_added", _("member added")
    MEMBER_REMOVED = "member_removed", _("member removed")
    MEMBER_ROLE_CHANGED = "member_role_changed", _("role changed")
    STUDENTS_IMPORTED = "students_imported", _("students imported")
    STUDENT_PASSWORD_RESET = "student_password_reset", _("student password reset")
    AUDIT_LOG_EXPORTED = "audit_log_exported", _("audit log exported")
    PACKAGE_CHOSEN = "package_chosen", _("package chosen")
    PACKAGE_CHANGED = "package_changed", _("package changed")
    PACKAGE_CANCELLED = "package_cancelled", _("package cancelled")
    PAYMENT_FAILED = "payment_failed", _("payment failed")
    LIMITS_OVERRIDDEN = "limits_overridden", _("limits overridden")
    TRAINING_CREATED = "training_created", _("training created")
    TRAINING_STATUS_CHANGED = "training_status_changed", _("training status changed")
    TRAINING_CANCELLED = "training_cancelled", _("training cancelled")
    MODEL_RATED = "model_rated", _("model rated")
    API_TOKEN_CREATED = "api_token_created", _("API token made")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    SERVER_STARTED = "server_started", _("inference server started")
    SERVER_STOPPED = "server_stopped", _("inference server stopped")
    TRAINING_APPROVED = "training_approved", _("training approved")
    TRAINING_DECLINED = "training_declined", _("training declined")
    BUDGET_CHANGED = "budget_changed", _("GPU budget settings changed")
    BUDGET_LEDGER_EXPORTED = "budget_ledger_exported", _("GPU budget ledger exported")
    STUDENTS_MOVED = "students_moved", _("students moved to another classroom")
    AVV_ACCEPTED = "avv_accepted", _("data-processing agreement accepted")
    DATA_EXPORT_REQUESTED = "data_export_requested", _("data export requested")
    DATA_EXPORT_APPROVED = "data_export_approved", _("data export approved")
    DATA_EXPORT_REJECTED = "data_export_rejected", _("data export rejected")
    DATA_EXPORTED = "data_exported", _("data exported")
    ERASURE_REQUESTED = "erasure_requested", _("erasure requested")
    MEMBER_ERASED = "member_erased", _("member's data erased")
    ASSIGNMENT_PUBLISHED = "assignment_published", _("assignment published")
    ASSIGNMENT_HANDED_IN = "assignment_handed_in", _("assignment handed in")
    ASSIGNMENT_GRADED = "assignment_graded", _("assignment graded")
    LEGACY_IMPORTED = "legacy_imported", _("earlier data imported")
    LEGACY_IMPORT_UNDONE = "legacy_import_undone", _("import undone")


class AuditEvent(SchoolOwned):
    """Who did what to which object, when, from where. Written by services, never edited.

    It lives on the ground floor because every app records events; analytics shows them.
    """

    actor = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(
        _("by"),
        max_length=200,
        blank=True,
        help_text=_("Who, when it was not a member: Stripe, staff, the system."),
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} ({self.school}, {self.created_at:%Y-%m-%d %H:%M})"


class ApiToken(models.Model):
    """A token a person's robot app signs in with (``Authorization: Token <value>``).

    Only a SHA-256 digest of the value is kept: the value is shown once, when it is made. The
    value is 256 random bits, so a fast hash is enough (a slow one is for guessable passwords).
    A person's token, like the person, may act in each of their schools.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("begins with"), max_length=8)  # tells a person's tokens apart
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
