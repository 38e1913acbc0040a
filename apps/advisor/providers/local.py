"""The local provider: rules, regular expressions and templates. Offline and deterministic."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

from apps.advisor.providers.base import Answer, ShiftSummaryText
from apps.advisor.summary.render import summary_text
from apps.advisor.triage.extract import read_message


class LocalProvider:
    name = "local"

    def triage(self, message: str, *, today: date) -> Answer:
        started = time.monotonic()
        facts = read_message(message, today=today)
        return Answer(output=facts, provider=self.name, latency_ms=int((time.monotonic() - started) * 1000))

    def summarise(self, facts: dict[str, Any], *, now: datetime) -> Answer:
        started = time.monotonic()
        text = summary_text(facts)
        return Answer(
            output=ShiftSummaryText(text), provider=self.name, latency_ms=int((time.monotonic() - started) * 1000)
        )


LOCAL = LocalProvider()
