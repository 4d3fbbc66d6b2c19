"""Sending product events happens here, never in a request. PostHog being down drops the event
with a log line; it never breaks a page or a task."""

import logging

from celery import shared_task
from django.conf import settings
from posthog import Posthog

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_product_event(event: str, distinct_id: str, properties: dict):
    try:
        client = Posthog(
            settings.POSTHOG_API_KEY,
            host=settings.POSTHOG_HOST,
            sync_mode=True,
            disable_geoip=True,
            max_retries=1,
            timeout=5,
        )
        client.capture(event, distinct_id=distinct_id, properties=properties)
        client.shutdown()
    except Exception:
        logger.warning("PostHog event %s dropped", event, exc_info=True)
