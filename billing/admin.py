"""Staff: every school's package and subscription; re-sync from Stripe; override limits."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import BillingAccount
from .services.accounts import billing_sync, limits_override


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = [
        "school",
        "package",
        "status",
        "entitled",
        "seats",
        "quota",
        "customer",
        "trial_ends_at",
    ]
    list_filter = ["school__package", "school__subscription_status", "school__entitled"]
    search_fields = ["school__name", "school__slug", "customer__id"]
    list_select_related = ["school", "customer"]
    fields = [
        "school",
        "customer",
        "trial_ends_at",
        "past_due_since",
        "seat_override",
        "quota_override",
    ]
    readonly_fields = ["school", "customer", "past_due_since"]
    actions = ["resync"]

    def has_add_permission(self, request):
        return False  # every school gets one when it is created

    @admin.display(description=_("package"), ordering="school__package")
    def package(self, obj):
        return obj.school.package

    @admin.display(description=_("status"), ordering="school__subscription_status")
    def status(self, obj):
        return obj.school.subscription_status

    @admin.display(description=_("allowed"), boolean=True)
    def entitled(self, obj):
        return not obj.school.restriction()

    @admin.display(description=_("seats"))
    def seats(self, obj):
        return "∞" if obj.school.seat_limit is None else obj.school.seat_limit

    @admin.display(description=_("trainings per month"))
    def quota(self, obj):
        return obj.school.monthly_training_quota

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"seat_override", "quota_override"} & set(form.changed_data):
            limits_override(
                school=obj.school,
                seats=obj.seat_override,
                quota=obj.quota_override,
                staff_label=f"staff: {request.user}",
            )

    @admin.action(description=_("Re-sync from Stripe"))
    def resync(self, request, queryset):
        for account in queryset.select_related("school"):
            try:
                billing_sync(school=account.school, actor_label=f"staff: {request.user}")
            except Exception as error:
                self.message_user(request, f"{account.school}: {error}", messages.ERROR)
        self.message_user(request, _("Re-synced from Stripe."))
