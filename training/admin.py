"""Staff: every training (retry a failed one, cancel an active one), every inference server
(stop a running one), each school's GPU budget (replace its monthly amount) and ledger (read
only: a correction is an entry, never an edit)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from schools.errors import ApplicationError

from .models import (
    BudgetEntry,
    BudgetSettings,
    ControlSession,
    InferenceServer,
    ServerStatus,
    Status,
    Training,
)
from .services.lifecycle import training_cancel, training_poll, training_retry
from .services.servers import inference_server_stop


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = [
        "model_name",
        "school",
        "student",
        "policy_type",
        "status",
        "progress_step",
        "progress_total",
        "cost_eur",
        "created_at",
    ]
    list_filter = ["status", "policy_type", "off_peak", "gpu_type", "school"]
    search_fields = ["model_name", "dataset", "backend_call_id", "hub_model_id", "school__name"]
    list_select_related = ["school", "student__user", "student__school"]
    readonly_fields = [f.name for f in Training._meta.fields if f.name not in ("id",)]
    date_hierarchy = "created_at"
    actions = ["retry", "cancel", "follow_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry: start again as a new attempt"))
    def retry(self, request, queryset):
        for training in queryset.filter(status=Status.FAILED).select_related("school"):
            try:
                training_retry(training=training, staff_label=f"staff: {request.user}")
            except ApplicationError as error:
                self.message_user(request, f"{training}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(training)s starts again.") % {"training": training})

    @admin.action(description=_("Cancel"))
    def cancel(self, request, queryset):
        for training in queryset.filter(
            status__in=(Status.PENDING, Status.QUEUED, Status.RUNNING)
        ).select_related("school"):
            training_cancel(training=training, staff_label=f"staff: {request.user}")
        self.message_user(request, _("Trainings cancelled."), messages.WARNING)

    @admin.action(description=_("Follow now (ask the GPU backend)"))
    def follow_now(self, request, queryset):
        for training in queryset.select_related("school"):
            training_poll(training=training)
        self.message_user(request, _("Asked the backend."))


@admin.register(ControlSession)
class ControlSessionAdmin(admin.ModelAdmin):
    list_display = [
        "training",
        "school",
        "student",
        "rating",
        "duration_seconds",
        "started_at",
        "ended_at",
    ]
    list_filter = ["rating", "school"]
    search_fields = ["training__model_name", "school__name"]
    list_select_related = ["training", "school", "student__user", "student__school"]
    readonly_fields = [
        "school",
        "student",
        "training",
        "started_at",
        "ended_at",
        "duration_seconds",
        "data",
        "feedback",
        "rating",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # its model keeps the count and ratings of its sessions on its row


@admin.register(InferenceServer)
class InferenceServerAdmin(admin.ModelAdmin):
    list_display = [
        "training",
        "school",
        "started_by",
        "status",
        "gpu_type",
        "cost_per_hour_eur",
        "cost_eur",
        "created_at",
        "stopped_at",
    ]
    list_filter = ["status", "gpu_type", "school"]
    search_fields = ["training__model_name", "backend_call_id", "school__name"]
    list_select_related = ["training", "school", "started_by__user", "started_by__school"]
    readonly_fields = [f.name for f in InferenceServer._meta.fields if f.name != "id"]
    date_hierarchy = "created_at"
    actions = ["stop"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Stop"))
    def stop(self, request, queryset):
        for server in queryset.filter(
            status__in=(ServerStatus.STARTING, ServerStatus.RUNNING)
        ).select_related("school"):
            inference_server_stop(server=server, staff_label=f"staff: {request.user}")
        self.message_user(request, _("Inference servers stopping."), messages.WARNING)


@admin.register(BudgetSettings)
class BudgetSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "school",
        "monthly_budget_eur",
        "per_training_limit_eur",
        "approval_threshold_eur",
    ]
    search_fields = ["school__name"]
    list_select_related = ["school"]
    raw_id_fields = ["school"]


@admin.register(BudgetEntry)
class BudgetEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "school", "kind", "amount_eur", "training", "classroom"]
    list_filter = ["kind", "school"]
    list_select_related = ["school", "training", "classroom"]
    readonly_fields = ["school", "kind", "amount_eur", "training", "classroom", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
