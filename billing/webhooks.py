"""Stripe's webhook endpoint: dj-stripe's view behind a signature check of our own.

dj-stripe stores every post (headers and body) before it checks the signature, so anyone who knows
the URL could fill its table; and with DEBUG on it lets the poster name the signing secret in an
``X-Djstripe-Webhook-Secret`` header (meant for the Stripe CLI). Here a delivery is verified with
stripe's own ``Webhook.construct_event`` first, and only a valid one reaches dj-stripe.
"""

import logging

import stripe
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from djstripe.models import WebhookEndpoint
from djstripe.views import ProcessWebhookView

logger = logging.getLogger(__name__)
CLI_SECRET_HEADER = "HTTP_X_DJSTRIPE_WEBHOOK_SECRET"


class StripeWebhookView(ProcessWebhookView):
    def post(self, request, uuid):
        endpoint = get_object_or_404(WebhookEndpoint, djstripe_uuid=uuid)
        secret = endpoint.secret
        # dj-stripe honours the header whenever DEBUG is on; we only when the Stripe CLI is in use.
        if settings.DEBUG and settings.STRIPE_CLI_WEBHOOKS:
            secret = request.META.get(CLI_SECRET_HEADER) or secret
        else:
            request.META.pop(CLI_SECRET_HEADER, None)
        try:
            stripe.Webhook.construct_event(
                request.body,
                request.META.get("HTTP_STRIPE_SIGNATURE", ""),
                secret,
                tolerance=endpoint.djstripe_tolerance,
            )
        except (ValueError, stripe.SignatureVerificationError) as error:
            logger.warning("Stripe webhook rejected, not stored: %s", error)
            return HttpResponseBadRequest()
        return super().post(request, uuid)
