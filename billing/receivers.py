"""Stripe webhooks (through dj-stripe) and the trial of a new school.

A webhook finds the school only through the Stripe customer, never through anything the event
says about a school, and then re-reads the truth from Stripe (see ``billing_sync``).
"""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from djstripe.event_handlers import djstripe_receiver
from djstripe.signals import webhook_pre_validate

from schools.models import School

from .models import BillingAccount
from .services.accounts import billing_account_lock, billing_account_open, billing_sync

logger = logging.getLogger(__name__)
EVENTS = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
]


def customer_id_of(event_data: dict) -> str | None:
    obj = event_data.get("object", {})
    customer_id = obj.get("id") if obj.get("object") == "customer" else obj.get("customer")
    return customer_id.get("id") if isinstance(customer_id, dict) else customer_id


@receiver(post_save, sender=School, dispatch_uid="billing_open_account")
def open_billing_account(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        billing_account_open(school=instance)


@receiver(webhook_pre_validate, dispatch_uid="billing_lock_before_webhook")
def lock_the_school_before_processing(sender, instance, **kwargs):
    """dj-stripe sends this inside the delivery's transaction, before it writes any Stripe row:
    the school's billing account is locked first, so one school's deliveries run one at a time
    and take their rows in the same order as every other billing write (no deadlock)."""
    if customer_id := customer_id_of(instance.json_body.get("data") or {}):
        billing_account_lock(customer_id=customer_id)


@djstripe_receiver(EVENTS)
def sync_school_from_stripe(sender, event, **kwargs):
    customer_id = customer_id_of(event.data)
    account = (
        BillingAccount.objects.select_related("school").filter(customer_id=customer_id).first()
        if customer_id
        else None
    )
    if account is None:
        logger.warning(
            "Stripe event %s (%s) for unknown customer %s ignored",
            event.id,
            event.type,
            customer_id,
        )
        return
    billing_sync(school=account.school, actor_label="Stripe")
