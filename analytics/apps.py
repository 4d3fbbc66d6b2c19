from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from . import product_events  # noqa: F401  (sends product events for audit events)

        if settings.SENTRY_DSN:  # every process: web, worker, beat
            from edubotics import __version__

            from .sentry import sentry_init

            sentry_init(
                dsn=settings.SENTRY_DSN,
                environment=settings.ENVIRONMENT,
                release=f"edubotics@{__version__}",
            )
