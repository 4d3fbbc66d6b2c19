from django.urls import path

from . import views

# Mounted under /s/<school_slug>/models/.
urlpatterns = [
    path("", views.model_library_view, name="model_library"),
    path("ratings/", views.ratings_by_student_view, name="ratings_by_student"),
    path("<int:training_id>/", views.model_detail, name="model_detail"),
    path("<int:training_id>/files/", views.model_files_view, name="model_files"),
    path(
        "sessions/<int:session_id>/rate/", views.control_session_rate, name="control_session_rate"
    ),
]
