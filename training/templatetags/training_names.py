"""A policy code's name where a page has only the code (counts by policy type)."""

from django import template

from ..models import PolicyType

register = template.Library()


@register.filter
def policy_name(code: str) -> str:
    """ "ACT_BBOX" → "ACT mit Objekterkennung"; a code we no longer offer stays as it is."""
    return PolicyType(code).label if code in PolicyType.values else code
