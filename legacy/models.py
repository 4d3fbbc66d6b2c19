"""What an import from the earlier system (Supabase) brought: one batch per run, and every row it
created or linked, under the row's earlier id, so a second run skips it and an undo finds it."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import Membership, SchoolOwned


class ImportBatch(SchoolOwned):
    started_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_by_label = models.CharField(_("started by"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    password_mails_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} ({self.school}, {self.created_at:%Y-%m-%d %H:%M})"


class ImportedRow(SchoolOwned):
    """One of our rows that came from a row of the earlier system. ``created`` is False when the
    import only linked a row that existed already (an account with the same e-mail): an undo
    keeps those."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("batch")
    )
    table = models.CharField(_("earlier table"), max_length=40)
    legacy_id = models.CharField(_("earlier id"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    created = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            # Two imports racing for the same earlier row: the second one fails here.
            models.UniqueConstraint(
                fields=["school", "table", "legacy_id", "content_type"],
                name="one_import_per_earlier_row",
            )
        ]

    def __str__(self):
        return f"{self.table} {self.legacy_id} → {self.content_type.model} {self.object_id}"
