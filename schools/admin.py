"""Django admin for EduBotics staff: every school and its members, classrooms and invitations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Classroom, Enrollment, Invitation, Membership, School, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]


class PackageFilter(admin.SimpleListFilter):
    """The packages schools have, by name ("Starter", not "starter")."""

    title = _("package")
    parameter_name = "package"
    field = "package"

    def lookups(self, request, model_admin):
        keys = model_admin.get_queryset(request).order_by().values_list(self.field, flat=True)
        return [(key, School(package=key).package_name) for key in sorted(set(keys)) if key]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


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
    list_display = [
        "name",
        "slug",
        "package_name",
        "subscription_status",
        "entitled",
        "seat_limit",
        "country",
        "language",
        "created_at",
    ]
    list_filter = [PackageFilter, "subscription_status", "entitled", "country", "language"]
    search_fields = ["name", "slug"]
    # The limits are billing's to compute: staff change them through the billing account.
    readonly_fields = [
        "created_at",
        "package",
        "subscription_status",
        "seat_limit",
        "monthly_training_quota",
        "concurrent_training_limit",
        "entitled",
        "entitled_until",
        "restriction_reason",
    ]
    inlines = [MembershipInline]

    @admin.display(description=_("package"), ordering="package")
    def package_name(self, obj):
        return obj.package_name or "–"


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are written by services and never edited or deleted."""

    list_display = ["created_at", "school", "action", "actor_label", "ip_address"]
    list_filter = ["action", "school"]
    search_fields = ["actor_label", "object_id", "school__name"]
    list_select_related = ["school"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
