from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Role
from .selectors import memberships_of_user

TRIAL_WARNING = timedelta(days=3)


def _school_notice(school, membership) -> tuple[str, str] | None:
    """The banner a school's admins (and, shorter, its teachers) see about its package."""
    if membership.role == Role.STUDENT:
        return None
    now = timezone.now()
    if school.restriction(now):
        if membership.is_admin:
            return "error", _(
                "%(reason)s New students and trainings are paused. Choose a package under Billing to continue."
            ) % {"reason": school.restriction_message()}
        return "warning", _(
            "Trainings and new students are paused for this school. Your school admin can fix this under Billing."
        )
    if not membership.is_admin or school.entitled_until is None:
        return None
    until = date_format(timezone.localtime(school.entitled_until), "DATE_FORMAT")
    if school.subscription_status == "past_due":
        return "warning", _(
            "The last payment failed. Please update the payment method under Billing before %(date)s."
        ) % {"date": until}
    if school.subscription_status == "trial" and school.entitled_until - now <= TRIAL_WARNING:
        return "warning", _(
            "The free trial ends on %(date)s. Choose a package under Billing to keep going."
        ) % {"date": until}
    return None


def navigation(request):
    """The schools a signed-in user can switch between (one query, only when signed in) and the
    school's billing banner."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    context = {"my_memberships": memberships_of_user(user=request.user)}
    if getattr(request, "school", None):
        context["school_notice"] = _school_notice(request.school, request.membership)
    return context
