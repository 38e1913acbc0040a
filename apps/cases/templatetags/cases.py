"""Template helpers for case screens: aging against SLA, told by colour and a symbol and a word
(all three from apps.core.vocabulary, the same as every other screen)."""

from __future__ import annotations

import functools
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from apps.cases.detectors import kind_label
from apps.cases.live_rows import live_filter
from apps.cases.models import Case
from apps.cases.selectors import CaseFilters
from apps.cases.summaries import case_figure
from apps.core.vocabulary import duration_words, status_label, time_left_words

register = template.Library()

DUE_SOON_SHARE = 0.25  # the last quarter of the SLA is "due soon"


def aging(case: Case, now: datetime | None = None) -> dict:
    """{'state': ok|soon|overdue|closed, 'icon', 'word', 'age', 'sla'} for one case."""
    now = now or timezone.now()
    age = duration_words((now - case.opened_at).total_seconds())
    if not case.is_open:
        return {**_state("closed"), "word": case.get_status_display(), "age": age, "sla": ""}
    if case.sla_due_at is None:
        return {**_state("ok"), "age": age, "sla": ""}
    left = (case.sla_due_at - now).total_seconds()
    total = max(60.0, (case.sla_due_at - case.opened_at).total_seconds())
    state = "overdue" if left < 0 else "soon" if left <= total * DUE_SOON_SHARE else "ok"
    return {**_state(state), "age": age, "sla": time_left_words(left)}


def _state(state: str) -> dict:
    label = status_label(state)
    return {"state": state, "icon": label["symbol"], "word": label["word"]}


@register.simple_tag
def case_aging(case: Case) -> dict:
    return aging(case)


@register.simple_tag
def case_live_filter(filters: CaseFilters, user) -> dict:
    """The queue's filters as static/js/case-filter.js applies them to live rows."""
    return live_filter(filters, getattr(user, "pk", None))


@register.filter
def figure(case: Case) -> str:
    """The number the exception turns on (the queue's figure column)."""
    return case_figure(case)


@register.filter
def case_kind(code: str) -> str:
    return kind_label(code)


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
