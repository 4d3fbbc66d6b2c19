"""Data protection: exports of a student's or a school's data, notices before retention erases a
student, and the legal pages the operator writes (Impressum, privacy notice, terms)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Membership, SchoolOwned


class LegalPage(models.Model):
    """A page the operator writes in the Django admin, one per kind and language. Global, not a
    school's: every visitor reads the same Impressum."""

    class Kind(models.TextChoices):
        IMPRINT = "imprint", _("Legal notice (Impressum)")
        PRIVACY = "privacy", _("Privacy notice")
        TERMS = "terms", _("Terms of use")

    kind = models.CharField(_("page"), max_length=10, choices=Kind.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=[("de", _("German")), ("en", _("English"))]
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; empty lines separate paragraphs."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_legal_page_per_language")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"


def export_path(export, filename):
    # A random name: the file is reached only through the download view, never guessed.
    return f"exports/{export.school_id}/{uuid.uuid4().hex}.zip"


class DataExport(SchoolOwned):
    """A ZIP of one student's data, or of the whole school's (no subject). A teacher's request
    waits for an admin's approval; a background task builds it; its link works for a day."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("waiting for approval")
        APPROVED = "approved", _("being prepared")
        READY = "ready", _("ready")
        REJECTED = "rejected", _("rejected")
        EXPIRED = "expired", _("expired")

    subject = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,  # erasing the student takes their exports along
        null=True,
        blank=True,
        related_name="data_exports",
        verbose_name=_("student"),
    )
    requested_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    approved_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    total = models.PositiveIntegerField(_("people"), default=0)
    done = models.PositiveIntegerField(_("exported"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.school_id} {self.subject_id or 'school'} ({self.status})"

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.READY and self.expires_at > timezone.now()


class ErasureRequest(SchoolOwned):
    """A teacher asks the school's admins to erase a student; an admin erases (the request goes
    with the student) or dismisses it."""

    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    requested_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.member_id} ({self.created_at:%Y-%m-%d})"


class RetentionNotice(SchoolOwned):
    """The school's admins were told that this student's data will be erased on ``due_on``; a
    later due date (the student came back and left again) warns again."""

    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    due_on = models.DateField(_("erased on"))
    sent_at = models.DateTimeField(_("warned"), auto_now=True)

    class Meta:
        verbose_name = _("retention notice")
        verbose_name_plural = _("retention notices")

    def __str__(self):
        return f"{self.member_id} {self.due_on}"
