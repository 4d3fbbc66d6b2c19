from django.urls import path

from . import views

# Mounted under /s/<school_slug>/assignments/.
urlpatterns = [
    path("", views.assignment_list, name="assignment_list"),
    path("new/", views.assignment_create, name="assignment_create"),
    path("<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("<int:assignment_id>/edit/", views.assignment_edit, name="assignment_edit"),
    path("<int:assignment_id>/publish/", views.assignment_publish, name="assignment_publish"),
    path("<int:assignment_id>/reuse/", views.assignment_reuse, name="assignment_reuse"),
    path("<int:assignment_id>/train/", views.assignment_train, name="assignment_train"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission_detail"),
    path("grade-book/<int:classroom_id>/", views.grade_book_csv, name="assignment_grade_book"),
]
