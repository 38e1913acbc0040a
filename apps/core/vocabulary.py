"""The words and symbols every screen uses for durations, severity and time status: one source.

Python renders them through the `vocabulary` template library; the browser applies the same rules in
static/js/vocabulary.js, which reads the symbol and word tables below from the page
(`{% vocabulary_json %}`). tests/core/test_vocabulary.py runs both on the same inputs and compares,
so a change here that the JS does not follow fails the suite.

Status is never told by colour alone: each level has a symbol, a word and a tone (the CSS colour).
Severity symbols and status symbols never share a glyph, so "●" cannot mean "critical" on one screen
and "on time" on another.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Label(TypedDict):
    symbol: str
    word: Any  # str, or a lazy translation resolved in the active language when shown
    tone: str  # ok | warn | bad | muted: the colour class a screen gives it


#: how bad an exception is (cases.Severity)
SEVERITY: dict[str, Label] = {
    "critical": {"symbol": "⬣", "word": gettext_lazy("Critical"), "tone": "bad"},
    "high": {"symbol": "▲", "word": gettext_lazy("High"), "tone": "bad"},
    "medium": {"symbol": "◆", "word": gettext_lazy("Medium"), "tone": "warn"},
    "low": {"symbol": "▽", "word": gettext_lazy("Low"), "tone": "muted"},
}

#: where something stands against its due time (a case's SLA, an approval step, a delivery's cutoff)
STATUS: dict[str, Label] = {
    "ok": {"symbol": "✔", "word": gettext_lazy("On time"), "tone": "ok"},
    "soon": {"symbol": "◐", "word": gettext_lazy("Due soon"), "tone": "warn"},
    "overdue": {"symbol": "✖", "word": gettext_lazy("Overdue"), "tone": "bad"},
    "closed": {"symbol": "■", "word": gettext_lazy("Closed"), "tone": "muted"},
    "none": {"symbol": "–", "word": gettext_lazy("No SLA"), "tone": "muted"},
}

UNKNOWN: Label = {"symbol": "•", "word": "", "tone": "muted"}


def severity_label(level: str) -> Label:
    """The symbol, word (in the active language) and tone of a severity level."""
    label = SEVERITY.get(level)
    return {**label, "word": str(label["word"])} if label else {**UNKNOWN, "word": str(level or "").capitalize()}


def status_label(state: str) -> Label:
    """The symbol, word (in the active language) and tone of a time status."""
    label = STATUS.get(state)
    return {**label, "word": str(label["word"])} if label else {**UNKNOWN, "word": str(state or "").capitalize()}


def severity_text(level: str) -> str:
    """'⬣ Critical' — the symbol and the word, as every screen shows a severity."""
    label = severity_label(level)
    return f"{label['symbol']} {label['word']}"


def status_text(state: str) -> str:
    """'✖ Overdue' — the symbol and the word of a time status."""
    label = status_label(state)
    return f"{label['symbol']} {label['word']}"


def duration_words(seconds: float) -> str:
    """A span as a person reads it from across the floor; the sign is ignored.

    Whole minutes, counted down (59 s is "<1 min"); under a day hours *and* minutes, so 150 minutes
    reads "2 h 30 min", never "2 h" or "3 h"; from a day on, days and hours ("1 d 1 h").
    """
    minutes = int(abs(seconds) // 60)
    if minutes < 1:
        return _("<1 min")
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)s h") % {"hours": hours}
    days, hours = divmod(hours, 24)
    if hours:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    return _("%(days)s d") % {"days": days}


def time_left_words(seconds: float) -> str:
    """Time to a due time: '2 h 30 min left', or 'overdue by 12 min' once it has passed."""
    if seconds < 0:
        return _("overdue by %(duration)s") % {"duration": duration_words(seconds)}
    return _("%(duration)s left") % {"duration": duration_words(seconds)}


def due_in_words(seconds: float) -> str:
    """When something is due: 'in 20 min', or 'overdue by 15 min' once it has passed."""
    if seconds < 0:
        return _("overdue by %(duration)s") % {"duration": duration_words(seconds)}
    return _("in %(duration)s") % {"duration": duration_words(seconds)}


def ago_words(seconds: float) -> str:
    """How long ago something was confirmed: seconds under a minute (freshness is judged in
    seconds), then the duration words: '4 s ago', '2 h 30 min ago'."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return _("%(seconds)s s ago") % {"seconds": int(seconds)}
    return _("%(duration)s ago") % {"duration": duration_words(seconds)}


def count_change_words(before: float, after: float) -> str:
    """A counted quantity against the books: '55 → 127, +131%' (no percentage from zero)."""
    change = f", {(after - before) / before * 100:+.0f}%" if before else ""
    return f"{before:g} → {after:g}{change}"


def vocabulary_table() -> dict[str, Any]:
    """The symbol and word tables as the browser receives them (JSON)."""

    def resolved(labels: dict[str, Label]) -> dict[str, dict[str, str]]:
        return {
            key: {"symbol": label["symbol"], "word": str(label["word"]), "tone": label["tone"]}
            for key, label in labels.items()
        }

    return {"severity": resolved(SEVERITY), "status": resolved(STATUS), "unknown": {**UNKNOWN}}
