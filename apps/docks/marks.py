"""How the dock screens mark an appointment: a symbol, a word and a tone (never colour alone).

Durations in the words come from apps/core/vocabulary.py; the symbols here mean dock states only.
"""

from __future__ import annotations

from apps.core.vocabulary import Label

MARKS: dict[str, Label] = {
    "planned": {"symbol": "○", "word": "Planned", "tone": "muted"},
    "late": {"symbol": "✖", "word": "Late", "tone": "bad"},
    "conflict": {"symbol": "⚠", "word": "Conflict", "tone": "bad"},
    "no_show": {"symbol": "⊘", "word": "No-show", "tone": "bad"},
    "arrived": {"symbol": "➜", "word": "Arrived", "tone": "ok"},
    "at_door": {"symbol": "▣", "word": "At door", "tone": "ok"},
    "working": {"symbol": "⇅", "word": "Loading/unloading", "tone": "ok"},
    "overrun": {"symbol": "⇥", "word": "Overrun", "tone": "warn"},
    "done": {"symbol": "■", "word": "Done", "tone": "muted"},
    "cancelled": {"symbol": "–", "word": "Cancelled", "tone": "muted"},
    "move_pending": {"symbol": "◷", "word": "Move pending approval", "tone": "warn"},
    "proposed": {"symbol": "◌", "word": "Proposed", "tone": "info"},
}


def mark(key: str) -> Label:
    return MARKS[key]
