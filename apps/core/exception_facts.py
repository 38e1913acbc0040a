"""Exception facts: how an app that cannot import the exception queue still opens cases in it.

The exception queue (apps/cases) opens cases from mirror state through its detectors. An app on
the same layer as cases (docks) knows conditions the mirror does not hold — a truck late at the
gate, a door overrun — but siblings never import each other. So that app owns nothing of cases:
it registers an ``ExceptionSource`` here, in its ``AppConfig.ready()``, and cases makes one
detector per ``FactKind`` of every source, running them with its usual machinery (dedupe key per
kind and subject, auto-resolve when a judged subject has no fact any more, per-site SLAs)::

    # apps/docks/apps.py
    EXCEPTION_SOURCES.register(DockExceptions(), name="docks")

    # after a commit that may change its facts (a check-in, a move), the source says so:
    facts_changed(source="docks", site_code="BRU")   # cases re-judges that site at once

A fact says only what holds now; every subject the source was asked about and returned no fact
for has cleared. Severity is a key of apps/core/vocabulary.SEVERITY; titles should not change
while the condition holds (a changing title is a visible change of the case each sweep), so put
growing numbers such as "late by 25 min" in ``detail``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from apps.core.registry import Hooks, Registry
from apps.core.vocabulary import SEVERITY


@dataclass(frozen=True)
class FactKind:
    """One kind of condition a source reports: it becomes a case kind in the exception queue."""

    code: str  # the case kind, unique among detectors, e.g. "dock_late_arrival"
    label: str  # how the queue names the kind, e.g. "Late truck arrival"
    subject: str  # what the subject ids count, part of each case's dedupe key, e.g. "dock_appointment"
    owner_role: str = "supervisor"


@dataclass(frozen=True)
class ExceptionFact:
    """A condition that holds now for one subject."""

    kind: str  # a FactKind.code of the source
    subject_id: int
    site_code: str
    severity: str  # critical | high | medium | low (apps/core/vocabulary.SEVERITY)
    title: str
    detail: dict[str, Any] = field(default_factory=dict)  # the latest numbers (minutes late…)
    # What a person needs to see on the case, captured when it opens:
    # {"heading": "Dock appointment", "rows": [["Door", "D2"], …], "url": "/docks/BRU/?…"}
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY:
            raise ValueError(f"Unknown severity {self.severity!r}; use one of {', '.join(SEVERITY)}.")


class ExceptionSource(ABC):
    """What an app registers to report its exception facts."""

    kinds: tuple[FactKind, ...] = ()

    @abstractmethod
    def candidates(self, *, kind: str, now: datetime, site_code: str = "") -> Iterable[int]:
        """Subjects that may hold now (at one site when `site_code` is given); a coarse filter."""

    @abstractmethod
    def facts(self, *, kind: str, subject_ids: set[int], now: datetime) -> list[ExceptionFact]:
        """The facts of this kind that hold now among these subjects. Every subject is judged:
        one without a fact (or no longer existing) has cleared."""


EXCEPTION_SOURCES: Registry[ExceptionSource] = Registry("exception fact sources")
# Filled by cases: re-judge one source's facts at one site (called after the source's commit).
FACTS_CHANGED: Hooks[[str, str]] = Hooks("exception facts changed")


def facts_changed(*, source: str, site_code: str) -> None:
    """A change that may open or clear facts of `source` at `site_code`: once the current
    transaction commits, whoever turns facts into cases re-judges that site."""
    transaction.on_commit(lambda: FACTS_CHANGED.call_each(source, site_code), robust=True)
