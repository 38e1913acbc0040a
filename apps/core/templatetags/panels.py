"""`{% subject_panels obj %}`: the fragments other apps registered for a record's screen (apps/core/panels.py)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def subject_panels(context, subject) -> SafeString:
    request = context.get("request")
    if request is None or subject is None:
        return mark_safe("")
    return mark_safe(render_panels(request, subject))  # noqa: S308 - each panel escapes through its own template
