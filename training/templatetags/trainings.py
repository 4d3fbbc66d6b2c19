"""A student's models, on their home and their classroom's page, with the way to their statistics."""

from django import template

from training.selectors import models_of_user

register = template.Library()
MODELS_SHOWN = 10


@register.inclusion_tag("training/my_models.html", takes_context=True)
def models_of(context, student, classroom=None):
    models = models_of_user(membership=student)
    if classroom is not None:
        models = models.filter(classroom=classroom)
    return {"models": models[:MODELS_SHOWN], "student": student, "request": context["request"]}
