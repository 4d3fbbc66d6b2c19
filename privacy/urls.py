"""The privacy pages: ``tenant_patterns`` under /s/<school_slug>/privacy/, ``public_patterns``
under /legal/."""

from django.urls import path

from . import views

tenant_patterns = [
    path("", views.privacy, name="privacy"),
    path("exports/new/", views.export_create, name="export_create"),
    path(
        "exports/<int:export_id>/approve/",
        views.export_decide,
        {"decision": "approve"},
        name="export_approve",
    ),
    path(
        "exports/<int:export_id>/reject/",
        views.export_decide,
        {"decision": "reject"},
        name="export_reject",
    ),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("students/<int:member_id>/erase/", views.member_erase, name="member_erase"),
    path(
        "students/<int:member_id>/erase/request/",
        views.erasure_request,
        name="erasure_request",
    ),
    path(
        "erasure-requests/<int:request_id>/dismiss/",
        views.erasure_dismiss,
        name="erasure_dismiss",
    ),
    path("record/", views.record_of_processing, name="record_of_processing"),
]

public_patterns = [
    path("avv/", views.avv, name="avv"),
    path("<str:kind>/", views.legal_page, name="legal_page"),
]
