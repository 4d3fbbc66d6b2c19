"""Django admin for EduBotics staff: every school and its members, classrooms and invitations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Classroom, Enrollment, Invitation, Membership, School, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    search_fields = ["username", "email", "first_name", "last_name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "language", "time_zone", "created_at"]
    list_filter = ["country", "language"]
    search_fields = ["name", "slug"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "school"]
    search_fields = ["user__username", "user__email", "user__last_name", "school__name"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user", "school"]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["student"]
    readonly_fields = ["created_at"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "subject",
        "school",
        "primary_teacher",
        "join_code",
        "join_code_enabled",
        "archived_at",
    ]
    list_filter = ["join_code_enabled", ("archived_at", admin.EmptyFieldListFilter), "school"]
    search_fields = ["name", "subject", "join_code", "school__name"]
    list_select_related = ["school", "primary_teacher__user", "primary_teacher__school"]
    raw_id_fields = ["primary_teacher", "co_teachers"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["student", "classroom", "school", "created_at"]
    list_filter = ["school"]
    search_fields = ["student__user__username", "student__user__last_name", "classroom__name"]
    list_select_related = ["student__user", "student__school", "classroom", "school"]
    raw_id_fields = ["student", "classroom"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "school",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
        "school",
    ]
    search_fields = ["email", "school__name"]
    list_select_related = ["school"]
    readonly_fields = ["token", "created_at"]
    raw_id_fields = ["invited_by"]
