"""What a person reads: a duration in seconds as "1 Std. 5 Min." / "1 h 5 min", a member's name."""

from django import template
from django.utils.translation import gettext as _

from schools.models import person_name

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as hours and minutes (rounded to the minute; under a minute in seconds); "–" for
    nothing. Every page that shows a duration uses this one filter."""
    if seconds is None or seconds == "":
        return "–"
    seconds = round(float(seconds))
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    hours, minutes = divmod(round(seconds / 60), 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": minutes}
    if not minutes:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


@register.filter
def person(member) -> str:
    return person_name(member)
