from django.urls import path

from . import views

# Mounted under /s/<school_slug>/billing/.
urlpatterns = [
    path("", views.billing, name="billing"),
    path("checkout/<slug:package_key>/", views.checkout, name="billing_checkout"),
    path("change/<slug:package_key>/", views.change, name="billing_change"),
    path("portal/", views.portal, name="billing_portal"),
]
