"""Template helpers for approvals: the SLA countdown state of a due time."""

from __future__ import annotations

from datetime import datetime

from django import template

register = template.Library()

#: under this many minutes left, the countdown turns amber
WARN_MINUTES = 15


@register.simple_tag
def sla_state(due_at: datetime | None, now: datetime) -> dict:
    """Kind (ok, warn, breach, none), an icon and words, so colour is never the only signal."""
    if due_at is None:
        return {"kind": "none", "icon": "–", "text": "no SLA"}
    minutes = int((due_at - now).total_seconds() // 60)
    if minutes < 0:
        return {"kind": "breach", "icon": "✖", "text": f"{_span(-minutes)} late"}
    if minutes < WARN_MINUTES:
        return {"kind": "warn", "icon": "◐", "text": f"{_span(minutes)} left"}
    return {"kind": "ok", "icon": "●", "text": f"{_span(minutes)} left"}


def _span(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours < 48 else f"{hours // 24} d"
