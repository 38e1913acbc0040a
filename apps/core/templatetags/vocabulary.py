"""Template side of apps.core.vocabulary: durations in words, severity and status badges.

{% load vocabulary %}
{{ seconds|duration }}  {{ seconds|time_left }}  {{ seconds|due_in }}
{% severity_badge case.severity %}  {% status_badge "overdue" %}
{% vocabulary_json %}   (once per page that runs static/js/vocabulary.js)
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html, json_script

from apps.core import vocabulary

register = template.Library()


def _seconds(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def duration(value) -> str:
    """Seconds (or a timedelta) in words: '<1 min', '45 min', '2 h 30 min', '1 d 1 h'."""
    seconds = _seconds(value)
    return "—" if seconds is None else vocabulary.duration_words(seconds)


@register.filter
def minutes_duration(value) -> str:
    """Minutes (a configured SLA, say) in the same words: 120 → '2 h'."""
    seconds = _seconds(value)
    return "—" if seconds is None else vocabulary.duration_words(seconds * 60)


@register.filter
def time_left(value) -> str:
    """'2 h 30 min left' or 'overdue by 12 min'."""
    seconds = _seconds(value)
    return "—" if seconds is None else vocabulary.time_left_words(seconds)


@register.filter
def due_in(value) -> str:
    """'in 20 min' or 'overdue by 15 min'."""
    seconds = _seconds(value)
    return "—" if seconds is None else vocabulary.due_in_words(seconds)


@register.filter
def severity_symbol(level: str) -> str:
    return vocabulary.severity_label(level)["symbol"]


@register.filter
def severity_word(level: str) -> str:
    return vocabulary.severity_label(level)["word"]


@register.filter
def status_symbol(state: str) -> str:
    return vocabulary.status_label(state)["symbol"]


@register.filter
def status_word(state: str) -> str:
    return vocabulary.status_label(state)["word"]


@register.simple_tag
def severity_badge(level: str, extra_class: str = "") -> str:
    """<span class="sev-badge sev--critical"><span aria-hidden="true">⬣</span> Critical</span>"""
    label = vocabulary.severity_label(level)
    return format_html(
        '<span class="sev-badge sev--{} {}"><span class="sev-badge__symbol" aria-hidden="true">{}</span> '
        '<span class="sev-badge__word">{}</span></span>',
        level,
        extra_class,
        label["symbol"],
        label["word"],
    )


@register.simple_tag
def vocabulary_json() -> str:
    """The symbol and word tables for static/js/vocabulary.js."""
    return json_script(vocabulary.vocabulary_table(), "ct-vocabulary")
