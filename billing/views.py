"""The Billing page of a school (admins only) and its actions, all through billing's services."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.access import role_required
from schools.errors import ApplicationError
from schools.models import Role
from schools.views.base import confirm_page, post_action, tenant_url

from .packages import package_by_key
from .selectors import billing_overview
from .services import accounts, purchases

logger = logging.getLogger(__name__)


@role_required(Role.ADMIN)
def billing(request):
    if request.GET.get("checkout") == "done":
        # Back from Stripe Checkout: re-read now rather than wait for the webhook.
        try:
            accounts.billing_sync(school=request.school, actor_label=str(request.user))
            messages.success(
                request,
                _("Thank you! Your package is active as soon as Stripe confirms the payment."),
            )
        except Exception:
            messages.info(
                request, _("Stripe is confirming your payment; this page updates in a moment.")
            )
        return redirect(tenant_url(request, "billing"))
    return render(
        request,
        "billing/billing.html",
        {
            "overview": billing_overview(school=request.school),
            "payments_configured": accounts.payments_configured(),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def checkout(request, package_key):
    base = request.build_absolute_uri(tenant_url(request, "billing"))
    try:
        url = purchases.checkout_start(
            actor=request.membership,
            package_key=package_key,
            success_url=f"{base}?checkout=done",
            cancel_url=base,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(tenant_url(request, "billing"))
    return redirect(url)


@role_required(Role.ADMIN)
def change(request, package_key):
    package = package_by_key(package_key)
    if package is None:
        raise Http404
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Switch to %(package)s?") % {"package": package.name},
            text=_("Stripe charges or credits the difference for the rest of this month."),
            button=_("Switch package"),
            cancel_url=tenant_url(request, "billing"),
            danger=False,
        )
    return post_action(
        request,
        purchases.package_change,
        _("Your package is now %(package)s.") % {"package": package.name},
        tenant_url(request, "billing"),
        actor=request.membership,
        package_key=package_key,
    )


@role_required(Role.ADMIN)
@require_POST
def portal(request):
    try:
        return redirect(
            purchases.portal_open(
                actor=request.membership,
                return_url=request.build_absolute_uri(tenant_url(request, "billing")),
            )
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(tenant_url(request, "billing"))
