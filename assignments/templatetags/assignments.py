"""Assignment pieces other apps' pages show: instructions as safe HTML, a student's open
assignments (home, classroom page), completion per assignment (classroom progress)."""

import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

from ..selectors import classroom_completion, open_assignments

register = template.Library()


@register.filter
def markdown_safe(text: str) -> str:
    """Markdown as HTML with everything a script could hide in removed (nh3's allow-list:
    no script, no event handlers, no javascript: links)."""
    return mark_safe(nh3.clean(markdown.markdown(text or "", extensions=["extra"])))


@register.inclusion_tag("assignments/open.html", takes_context=True)
def open_assignments_of(context, student, classroom=None):
    assignments = open_assignments(student=student, classroom_id=classroom and classroom.pk)
    return {"assignments": assignments, "request": context["request"]}


@register.inclusion_tag("assignments/completion.html", takes_context=True)
def assignment_completion(context, classroom, student_count):
    return {
        "assignments": classroom_completion(classroom=classroom),
        "student_count": student_count,
        "classroom": classroom,
        "request": context["request"],
    }
