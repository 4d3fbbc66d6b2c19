from django.urls import path

from . import views

# Mounted under /s/<school_slug>/.
urlpatterns = [
    path("", views.home, name="dashboard"),
    path(
        "classrooms/<int:classroom_id>/progress/",
        views.classroom_progress,
        name="classroom_progress",
    ),
    path("students/<int:member_id>/progress/", views.student_progress, name="student_progress"),
    path("audit/", views.audit_log, name="audit_log"),
]
