"""The seat check: one place, inside the caller's transaction, with the school row locked so that
parallel enrollments can never take more seats than the school has."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..errors import ApplicationError
from ..models import Membership, Restriction, Role, School


def seat_holders(school: School) -> QuerySet[Membership]:
    """Who takes a seat: the school's active students."""
    return Membership.objects.for_school(school).filter(role=Role.STUDENT, is_active=True)


def seats_used(school: School) -> int:
    return seat_holders(school).count()


def seats_reserve(*, school: School, count: int) -> School:
    """Locks the school and raises unless ``count`` more students fit. Call inside atomic()."""
    school = School.objects.select_for_update().get(pk=school.pk)
    if reason := school.restriction():
        raise ApplicationError(
            _(
                "%(reason)s New students cannot be added until a school admin chooses a package under Billing."
            )
            % {"reason": Restriction(reason).label}
        )
    if school.seat_limit is None:
        return school
    used = seats_used(school)
    free = max(school.seat_limit - used, 0)
    if count > free:
        raise ApplicationError(
            _(
                "Not enough seats: %(count)d new, %(free)d free (%(used)d of %(limit)d taken). A school admin can get more seats under Billing."
            )
            % {"free": free, "used": used, "limit": school.seat_limit, "count": count}
        )
    return school
