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


class Label(TypedDict):
    symbol: str
    word: str
    tone: str  # ok | warn | bad | muted: the colour class a screen gives it


#: how bad an exception is (cases.Severity)
SEVERITY: dict[str, Label] = {
    "critical": {"symbol": "⬣", "word": "Critical", "tone": "bad"},
    "high": {"symbol": "▲", "word": "High", "tone": "bad"},
    "medium": {"symbol": "◆", "word": "Medium", "tone": "warn"},
    "low": {"symbol": "▽", "word": "Low", "tone": "muted"},
}

#: where something stands against its due time (a case's SLA, an approval step, a delivery's cutoff)
STATUS: dict[str, Label] = {
    "ok": {"symbol": "✔", "word": "On time", "tone": "ok"},
    "soon": {"symbol": "◐", "word": "Due soon", "tone": "warn"},
    "overdue": {"symbol": "✖", "word": "Overdue", "tone": "bad"},
    "closed": {"symbol": "■", "word": "Closed", "tone": "muted"},
    "none": {"symbol": "–", "word": "No SLA", "tone": "muted"},
}

UNKNOWN: Label = {"symbol": "•", "word": "", "tone": "muted"}


def severity_label(level: str) -> Label:
    return SEVERITY.get(level, {**UNKNOWN, "word": str(level or "").capitalize()})


def status_label(state: str) -> Label:
    return STATUS.get(state, {**UNKNOWN, "word": str(state or "").capitalize()})


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
        return "<1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def time_left_words(seconds: float) -> str:
    """Time to a due time: '2 h 30 min left', or 'overdue by 12 min' once it has passed."""
    if seconds < 0:
        return f"overdue by {duration_words(seconds)}"
    return f"{duration_words(seconds)} left"


def due_in_words(seconds: float) -> str:
    """When something is due: 'in 20 min', or 'overdue by 15 min' once it has passed."""
    if seconds < 0:
        return f"overdue by {duration_words(seconds)}"
    return f"in {duration_words(seconds)}"


def ago_words(seconds: float) -> str:
    """How long ago something was confirmed: seconds under a minute (freshness is judged in
    seconds), then the duration words: '4 s ago', '2 h 30 min ago'."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)} s ago"
    return f"{duration_words(seconds)} ago"


def count_change_words(before: float, after: float) -> str:
    """A counted quantity against the books: '55 → 127, +131%' (no percentage from zero)."""
    change = f", {(after - before) / before * 100:+.0f}%" if before else ""
    return f"{before:g} → {after:g}{change}"


def vocabulary_table() -> dict[str, Any]:
    """The symbol and word tables as the browser receives them (JSON)."""
    return {"severity": SEVERITY, "status": STATUS, "unknown": UNKNOWN}
