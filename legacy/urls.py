from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_page, name="legacy_import"),
    path("<int:batch_id>/undo/", views.import_undo, name="legacy_import_undo"),
]
