"""What a text provider is: `triage(message)` and `summarise(facts)`, each answering plain data.

Two providers keep this contract: the local one (rules, regular expressions and templates; works
offline, same answer for the same input) and the external one (an OpenAI-compatible chat
completions API), which falls back to the local one on any failure. Callers never see which one
failed: they get an answer with `provider` ("local" or "external") and, after a fallback, the
reason in `fallback_reason`, which the run log keeps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

# The classes a supplier or carrier message can fall in.
DELAY, DAMAGE, SHORT_SHIPMENT, OTHER = "delay", "damage", "short_shipment", "other"
TRIAGE_KINDS: tuple[str, ...] = (DELAY, DAMAGE, SHORT_SHIPMENT, OTHER)


@dataclass(frozen=True)
class TriageFacts:
    """What a message says: its class and the facts stated in it (empty when not stated)."""

    kind: str
    confidence: float  # 0..1
    reference: str = ""  # an Odoo name: WH/IN/00012, P00012, S00042
    new_date: date | None = None  # the new date the sender announces (delay)
    new_time: str = ""  # "HH:MM" when the message states a time with the date
    quantity: float | None = None
    product: str = ""
    language: str = "en"  # "en", or "other" when the message looks like another language
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["new_date"] = self.new_date.isoformat() if self.new_date else None
        return data


@dataclass(frozen=True)
class ShiftSummaryText:
    """The written summary of one site's shift start."""

    text: str


@dataclass(frozen=True)
class Answer:
    """One provider call: the output, who produced it, what was sent (blank for local) and why a
    fallback happened (blank when none)."""

    output: TriageFacts | ShiftSummaryText
    provider: str  # "local" | "external"
    prompt: str = ""
    fallback_reason: str = ""
    latency_ms: int = 0


class TextProvider(Protocol):
    name: str

    def triage(self, message: str, *, today: date) -> Answer: ...

    def summarise(self, facts: dict[str, Any], *, now: datetime) -> Answer: ...
