"""Template helpers for case screens: aging against SLA, told by colour and an icon and a word."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from apps.cases.detectors import kind_label
from apps.cases.models import Case
from apps.cases.scoring import duration_words

register = template.Library()

DUE_SOON_SHARE = 0.25  # the last quarter of the SLA is "due soon"


def aging(case: Case, now: datetime | None = None) -> dict:
    """{'state': ok|soon|overdue|closed, 'icon', 'word', 'age', 'sla'} for one case."""
    now = now or timezone.now()
    age = duration_words(int((now - case.opened_at).total_seconds() // 60))
    if not case.is_open:
        return {"state": "closed", "icon": "✓", "word": case.get_status_display(), "age": age, "sla": ""}
    if case.sla_due_at is None:
        return {"state": "ok", "icon": "●", "word": "On time", "age": age, "sla": ""}
    left = int((case.sla_due_at - now).total_seconds() // 60)
    total = max(1, int((case.sla_due_at - case.opened_at).total_seconds() // 60))
    if left < 0:
        return {"state": "overdue", "icon": "▲", "word": "Overdue", "age": age, "sla": f"{duration_words(-left)} over"}
    if left <= total * DUE_SOON_SHARE:
        return {"state": "soon", "icon": "◆", "word": "Due soon", "age": age, "sla": f"{duration_words(left)} left"}
    return {"state": "ok", "icon": "●", "word": "On time", "age": age, "sla": f"{duration_words(left)} left"}


@register.simple_tag
def case_aging(case: Case) -> dict:
    return aging(case)


@register.filter
def case_kind(code: str) -> str:
    return kind_label(code)


SEVERITY_ICONS = {"critical": "⬣", "high": "▲", "medium": "◆", "low": "○"}


@register.filter
def severity_icon(severity: str) -> str:
    return SEVERITY_ICONS.get(severity, "•")


@register.filter
def iso_local(value: str | None, tz_name: str) -> str:
    """An ISO timestamp from a context package, shown in the site's time."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return timezone.localtime(moment, timezone=_zone(tz_name)).strftime("%a %d %b %H:%M")


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@register.filter
def get_count(counts: dict, key: str) -> int:
    return (counts or {}).get(key, 0)


@functools.cache
def _queue_root() -> str:
    return reverse("cases:queue")


@register.filter
def case_path(case_id: int, suffix: str = "") -> str:
    """/exceptions/<id>/[suffix] without a URL reversal per row (the queue renders many rows)."""
    return f"{_queue_root()}{case_id}/{suffix}"
