"""The GPU budget pages: the admin's budget and ledger (chart by week, CSV), the budget's
settings, and a teacher's approval or decline of a training that waits for it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from edubotics.pagination import newest_first
from schools.access import role_required
from schools.audit import audit_record
from schools.csv_export import csv_response
from schools.models import AuditAction, Role, person_name
from schools.views.base import confirm_page, form_call, post_action, tenant_url

from .access import access_training
from .forms import BudgetSettingsForm, DeclineForm
from .selectors import (
    budget_entries,
    budget_overview,
    budget_settings_of,
    classrooms_with_budget,
)
from .services.approval import training_approve, training_decline
from .services.budget import budget_settings_update


def _ledger_csv(request):
    audit_record(
        school=request.school,
        action=AuditAction.BUDGET_LEDGER_EXPORTED,
        actor=request.membership,
    )
    response, writer = csv_response(
        name=" ".join([_("GPU budget"), request.school.slug, f"{timezone.localdate():%Y-%m-%d}"])
    )
    writer.writerow(
        [_("When"), _("Kind"), _("Amount (EUR)"), _("Training"), _("Student"), _("Classroom")]
    )
    for entry in budget_entries(school=request.school).iterator(chunk_size=500):
        training = entry.training
        writer.writerow(
            [
                timezone.localtime(entry.created_at).strftime("%d.%m.%Y %H:%M:%S"),
                entry.get_kind_display(),
                entry.amount_eur,
                training.model_name if training else entry.note,
                person_name(training.student) if training else "",
                entry.classroom.name if entry.classroom else "",
            ]
        )
    return response


@role_required(Role.ADMIN)
def budget(request):
    if request.GET.get("format") == "csv":
        return _ledger_csv(request)
    overview = budget_overview(school=request.school)
    page = newest_first(request, budget_entries(school=request.school), page_size=50)
    return render(request, "training/budget.html", {"overview": overview, "page": page})


@role_required(Role.ADMIN)
def budget_settings_view(request):
    """The limit per training, the approval threshold and each classroom's share: a page of its
    own, linked from the budget page (a field per classroom costs to render)."""
    settings = budget_settings_of(request.school)
    classrooms = list(classrooms_with_budget(school=request.school))
    form = BudgetSettingsForm(
        request.POST or None,
        classrooms=classrooms,
        initial={
            "per_training_limit_eur": settings.per_training_limit_eur,
            "approval_threshold_eur": settings.approval_threshold_eur,
        },
    )
    if request.method == "POST" and form.is_valid():
        ok, _settings = form_call(
            form,
            budget_settings_update,
            actor=request.membership,
            per_training_limit_eur=form.cleaned_data["per_training_limit_eur"],
            approval_threshold_eur=form.cleaned_data["approval_threshold_eur"],
            classroom_shares=form.shares(),
        )
        if ok:
            messages.success(request, _("The budget settings were saved."))
            return redirect(tenant_url(request, "budget"))
    return render(request, "training/budget_settings.html", {"form": form})


@role_required(Role.TEACHER)
def training_approve_view(request, training_id):
    training = access_training(membership=request.membership, training_id=training_id)
    back = tenant_url(request, "training_detail", training.pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Approve the training “%(name)s”?") % {"name": training.model_name},
            text=_("It is estimated at %(amount)s € of the school's GPU budget.")
            % {"amount": training.cost_estimate_eur},
            button=_("Approve"),
            cancel_url=back,
            danger=False,
        )
    return post_action(
        request,
        training_approve,
        _("Training approved. It starts as soon as a GPU is free."),
        back,
        actor=request.membership,
        training=training,
    )


@role_required(Role.TEACHER)
def training_decline_view(request, training_id):
    training = access_training(membership=request.membership, training_id=training_id)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _training = form_call(
            form,
            training_decline,
            actor=request.membership,
            training=training,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("Training declined. The student sees your reason."))
            return redirect(tenant_url(request, "training_detail", training.pk))
    return render(request, "training/decline.html", {"training": training, "form": form})
