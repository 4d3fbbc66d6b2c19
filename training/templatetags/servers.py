"""The server panel's one question it cannot answer from its context: why this model cannot be
served here (a demo model; a machine without LeRobot), or nothing when it can."""

from django import template

from ..services.servers import serving_obstacle as obstacle

register = template.Library()


@register.simple_tag
def serving_obstacle(training) -> str:
    return obstacle(training)
