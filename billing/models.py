"""A school's billing account: its Stripe customer (through dj-stripe), its platform trial and the
limits EduBotics staff override."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School, SchoolOwned


class BillingAccount(SchoolOwned):
    school = models.OneToOneField(
        School, on_delete=models.PROTECT, related_name="billing", verbose_name=_("school")
    )
    customer = models.OneToOneField(
        "djstripe.Customer",
        to_field="id",  # the Stripe id (cus_…), as dj-stripe's own foreign keys use
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="school_billing",
        verbose_name=_("Stripe customer"),
    )
    trial_ends_at = models.DateTimeField(_("free trial ends"))
    past_due_since = models.DateTimeField(
        _("payment overdue since"),
        null=True,
        blank=True,
        help_text=_(
            "When the subscription was first seen past due; the grace period runs from here."
        ),
    )
    seat_override = models.PositiveIntegerField(
        _("seats (staff override)"),
        null=True,
        blank=True,
        help_text=_("Empty: the package's seats."),
    )
    quota_override = models.PositiveIntegerField(
        _("trainings per month (staff override)"),
        null=True,
        blank=True,
        help_text=_("Empty: the package's quota."),
    )

    class Meta:
        verbose_name = _("billing account")
        verbose_name_plural = _("billing accounts")

    def __str__(self):
        return str(self.school)
