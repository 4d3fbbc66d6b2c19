"""What the Billing page shows: package, status, seats, next invoice, invoices."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from djstripe.models import Invoice

from schools.models import School
from schools.services.seats import seats_used

from .models import BillingAccount
from .packages import PACKAGES, Package
from .services.accounts import subscription_current, subscription_state

# Stripe's invoice statuses, named for the page.
INVOICE_STATUSES = {
    "draft": _("draft"),
    "open": _("open"),
    "paid": _("paid"),
    "uncollectible": _("uncollectible"),
    "void": _("void"),
}


@dataclass
class BillingOverview:
    school: School
    account: BillingAccount
    packages: tuple[Package, ...]
    seats_used: int
    next_invoice_at: datetime | None
    invoices: list[dict]

    @property
    def seats_percent(self) -> int:
        if not self.school.seat_limit:
            return 0 if self.school.seat_limit is None else 100
        return min(100, round(100 * self.seats_used / self.school.seat_limit))


def billing_overview(*, school: School) -> BillingOverview:
    account = BillingAccount.objects.select_related("customer").get(school=school)
    subscription = subscription_current(account)
    state = subscription_state(subscription) if subscription else None
    invoices = []
    if account.customer_id:
        invoices = [
            {
                "number": data.get("number") or invoice.id,
                "created": invoice.created,
                "total": (data.get("total") or 0) / 100,
                "currency": (data.get("currency") or "eur").upper(),
                "status": INVOICE_STATUSES.get(data.get("status"), data.get("status", "")),
                "pdf": data.get("invoice_pdf") or data.get("hosted_invoice_url"),
            }
            for invoice in Invoice.objects.filter(customer_id=account.customer_id).order_by(
                "-created"
            )[:24]
            if (data := invoice.stripe_data) is not None
        ]
    return BillingOverview(
        school=school,
        account=account,
        packages=PACKAGES,
        seats_used=seats_used(school),
        next_invoice_at=state.period_end
        if state and state.status in ("trialing", "active", "past_due")
        else None,
        invoices=invoices,
    )
