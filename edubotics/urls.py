from django.contrib import admin
from django.urls import include, path

from .health import health

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("s/<slug:school_slug>/", include("analytics.urls")),
    path("s/<slug:school_slug>/billing/", include("billing.urls")),
    path("s/<slug:school_slug>/trainings/", include("training.urls")),
    path("api/", include("edubotics.api")),
    path("", include("schools.urls")),
]
