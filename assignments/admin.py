"""Django admin for EduBotics staff: every school's assignments and hand-ins, read mostly."""

from django.contrib import admin

from .models import Assignment, Submission


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "classroom", "due_at", "published_at"]
    list_filter = ["grading", "policy_type"]
    search_fields = ["title", "school__name", "classroom__name"]
    raw_id_fields = ["school", "classroom", "created_by"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "student", "school", "handed_in_at", "returned_at"]
    search_fields = ["assignment__title", "student__user__username", "school__name"]
    raw_id_fields = ["school", "assignment", "student", "training", "graded_by"]
