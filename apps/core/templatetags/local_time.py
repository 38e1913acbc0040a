"""Template side of apps.core.local_time: every time shown at a site, in its zone, zone named.

{% load local_time %}
{{ case.opened_at|at_site:case.site }}      -> "14:05 (Brussels)", or "mar. 01 déc. 14:05 (Brussels)"
{{ step.scheduled|at_site:case.site }}      (an ISO string from a context package works too)
"""

from __future__ import annotations

from datetime import datetime

from django import template

from apps.core.local_time import at_site as at_site_text

register = template.Library()


@register.filter
def at_site(value, site_or_zone) -> str:
    """A datetime (or an ISO timestamp) as read at the site: its zone, named, in the reader's language."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return str(value)
    return at_site_text(value, site_or_zone)
