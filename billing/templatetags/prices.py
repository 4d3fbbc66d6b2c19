"""The package table for pages outside a school (the sign-up page shows the prices)."""

from django import template

from billing.packages import PACKAGES

register = template.Library()


@register.simple_tag
def packages():
    return PACKAGES
