"""Template helpers for approvals: the SLA countdown state of a due time, in the shared vocabulary."""

from __future__ import annotations

from datetime import datetime

from django import template

from apps.approvals.models import ApprovalRequest
from apps.approvals.summaries import DecisionSummary, decision_summary
from apps.core.vocabulary import status_label, time_left_words

register = template.Library()

#: under this many minutes left, the countdown turns amber ("due soon")
WARN_MINUTES = 15


@register.simple_tag
def sla_state(due_at: datetime | None, now: datetime) -> dict:
    """Kind (ok, soon, overdue, none), a symbol and words, so colour is never the only signal."""
    if due_at is None:
        return _state("none", status_label("none")["word"])
    seconds = (due_at - now).total_seconds()
    kind = "overdue" if seconds < 0 else "soon" if seconds < WARN_MINUTES * 60 else "ok"
    return _state(kind, time_left_words(seconds))


def _state(kind: str, text: str) -> dict:
    return {"kind": kind, "icon": status_label(kind)["symbol"], "text": text}


@register.simple_tag
def decision(request: ApprovalRequest) -> DecisionSummary:
    """What the request is about and the figure it turns on (the inbox row's columns)."""
    return decision_summary(request)
