from django.contrib import admin
from django.urls import include, path

from billing.webhooks import StripeWebhookView
from privacy.urls import public_patterns as legal_urls
from privacy.urls import tenant_patterns as privacy_urls

from .health import health

# dj-stripe's webhook URL and name (its admin shows endpoints by this name), with our view.
stripe_urls = (
    [
        path(
            "webhook/<uuid:uuid>/",
            StripeWebhookView.as_view(),
            name="djstripe_webhook_by_uuid",
        )
    ],
    "djstripe",
)

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/", include(stripe_urls)),
    path("s/<slug:school_slug>/", include("analytics.urls")),
    path("s/<slug:school_slug>/billing/", include("billing.urls")),
    path("s/<slug:school_slug>/trainings/", include("training.urls")),
    path("s/<slug:school_slug>/models/", include("training.model_urls")),
    path("s/<slug:school_slug>/privacy/", include(privacy_urls)),
    path("legal/", include(legal_urls)),
    path("s/<slug:school_slug>/assignments/", include("assignments.urls")),
    path("s/<slug:school_slug>/import/", include("legacy.urls")),
    path("api/", include("edubotics.api")),
    path("", include("schools.urls")),
]
