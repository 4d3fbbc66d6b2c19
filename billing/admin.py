"""Staff: every school's package and subscription; re-sync from Stripe; override limits. Of
dj-stripe's models only the few staff look at stay in the admin, with German names."""

import djstripe.admin  # noqa: F401  (registers dj-stripe's models, so that they can be pruned)
from django.apps import apps
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from schools.admin import PackageFilter

from .models import BillingAccount
from .services.accounts import billing_sync, limits_override

# dj-stripe registers about 45 models (API keys, accounts, webhooks …) that staff never use, and
# ships no German: keep these, named in German. They are Stripe's mirror, changed only by syncs,
# except the webhook endpoint, which staff create once (see the README).
STRIPE_MODELS_KEPT = {
    "webhookendpoint": (_("Stripe webhook endpoint"), _("Stripe webhook endpoints")),
    "customer": (_("Stripe customer"), _("Stripe customers")),
    "subscription": (_("Stripe subscription"), _("Stripe subscriptions")),
    "invoice": (_("Stripe invoice"), _("Stripe invoices")),
    "price": (_("Stripe price"), _("Stripe prices")),
    "product": (_("Stripe product"), _("Stripe products")),
    "event": (_("Stripe event"), _("Stripe events")),
}
for model in apps.get_app_config("djstripe").get_models():
    names = STRIPE_MODELS_KEPT.get(model._meta.model_name)
    if names:
        model._meta.verbose_name, model._meta.verbose_name_plural = names
    elif admin.site.is_registered(model):
        admin.site.unregister(model)


class SchoolPackageFilter(PackageFilter):
    field = "school__package"


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
    list_filter = [SchoolPackageFilter, "school__subscription_status", "school__entitled"]
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
        return obj.school.package_name or "–"

    @admin.display(description=_("status"), ordering="school__subscription_status")
    def status(self, obj):
        return obj.school.get_subscription_status_display()

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
