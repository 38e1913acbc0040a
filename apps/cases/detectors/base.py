"""What a detector is: a small registered unit that turns mirror state into findings.

A detector names the Odoo models whose change sets concern it, maps changed records to its
subjects (the records it judges), and evaluates subjects in batches. The framework
(apps.cases.services.detection) turns an evaluation into opened, updated and cleared cases:
every key the detector checked but did not find is a condition that has cleared.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.utils.functional import Promise

from apps.cases.scoring import Priority, priority_for
from apps.cases.site_rules import SiteResolver, SiteRules
from apps.core.exception_facts import EXCEPTION_SOURCES, ExceptionSource, FactKind
from apps.core.registry import Registry
from apps.mirror.changes import ChangeSet

T = TypeVar("T")


@dataclass
class Finding:
    """A condition that holds for one record (or one sale order's group of transfers)."""

    key: str
    rules: SiteRules
    title: str
    severity: str
    priority: Priority
    odoo_model: str
    odoo_id: int | None
    record_name: str
    subject_ids: list[int]
    steps: list[dict] = field(default_factory=list)
    detail: dict = field(default_factory=dict)
    sale_order_odoo_id: int | None = None
    # Built only when a case is opened: the context package is a few queries per case.
    context: Callable[[], dict] = dict


@dataclass
class Evaluation:
    """Which keys were checked, and which of them hold."""

    checked_keys: set[str] = field(default_factory=set)
    findings: dict[str, Finding] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.checked_keys.add(finding.key)
        self.findings[finding.key] = finding


class Detector(ABC):
    """Base class. Subclasses set the class attributes and implement the three methods."""

    code: str = ""
    label: str | Promise = ""  # gettext_lazy: shown in the reader's language
    owner_role: str = "supervisor"
    watches: tuple[str, ...] = ()  # Odoo models whose change sets may change this detector's answer
    time_based: bool = False  # its answer changes with the clock alone: run it in the sweep
    cleared_text = "The condition cleared in Odoo."  # the case's line when it clears by itself

    def subjects_from_changes(self, changes: ChangeSet) -> set[int]:
        """The subjects (ids of the records this detector judges) that a change set concerns."""
        return set()

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        """Subjects that may hold now (a coarse filter; evaluate() decides)."""
        return []

    @abstractmethod
    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        """The findings for these subjects now (every subject judged: a missing finding clears)."""

    def key(self, odoo_model: str, odoo_id: int, *extra: str) -> str:
        return ":".join([self.code, odoo_model, str(odoo_id), *extra])


def changed_ids(changes: ChangeSet) -> set[int]:
    """Every record a change set touched (created, updated, archived or deleted)."""
    return {*changes.created, *changes.updated, *changes.archived, *changes.deleted}


# Every detector, by code (apps/core/registry.py: two detectors with one code fail at start-up).
DETECTORS: Registry[Detector] = Registry("exception detectors")


def register(cls: type[Detector]) -> type[Detector]:
    """Class decorator: make the detector known to the change-set hook, the sweep and the screens."""
    DETECTORS.register(cls(), name=cls.code)
    return cls


class FactDetector(Detector):
    """One kind of exception fact that a sibling app reports (apps/core/exception_facts.py), judged
    like any detector: the sweep asks the source for candidates, every judged subject without a
    fact clears its case. A change at the source re-judges its site (services.detection)."""

    time_based = True
    cleared_text = "The condition cleared by itself."

    def __init__(self, source: ExceptionSource, kind: FactKind, source_name: str) -> None:
        self.source, self.kind, self.source_name = source, kind, source_name
        self.code, self.label, self.owner_role = kind.code, kind.label, kind.owner_role

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FactDetector) and (other.source, other.kind) == (self.source, self.kind)

    def __hash__(self) -> int:
        return hash((id(self.source), self.kind))

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        return self.source.candidates(kind=self.code, now=now)

    def site_candidates(self, site_code: str, now: datetime) -> Iterable[int]:
        return self.source.candidates(kind=self.code, now=now, site_code=site_code)

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        evaluation = Evaluation()
        facts = {
            fact.subject_id: fact
            for fact in self.source.facts(kind=self.code, subject_ids=subject_ids, now=now)
            if fact.kind == self.code
        }
        for subject_id in sorted(subject_ids):
            key = self.key(self.kind.subject, subject_id)
            evaluation.checked_keys.add(key)
            fact = facts.get(subject_id)
            rules = sites.for_site_code(fact.site_code) if fact is not None else None
            if fact is None or rules is None or not rules.enabled(self.code):
                continue
            evaluation.add(
                Finding(
                    key=key,
                    rules=rules,
                    title=fact.title,
                    severity=fact.severity,
                    priority=priority_for(severity=fact.severity),
                    odoo_model="",
                    odoo_id=None,
                    record_name="",
                    subject_ids=[subject_id],
                    detail=fact.detail,
                    context=_fact_context(rules, fact.context, now),
                )
            )
        return evaluation


def _fact_context(rules: SiteRules, fact_context: dict, now: datetime) -> Callable[[], dict]:
    site = {"code": rules.site.code, "name": rules.site.name, "timezone": rules.site.timezone}
    return lambda: {"captured_at": now.isoformat(), "site": site, "fact": fact_context}


def _adopt_fact_sources() -> None:
    """A detector per kind of every registered fact source. Sources register in their app's
    ready(), which may run after ours, so they are adopted when the detectors are first asked for."""
    known = set(DETECTORS.names())
    for source_name in EXCEPTION_SOURCES.names():
        source = EXCEPTION_SOURCES.get(source_name)
        for kind in source.kinds:
            if kind.code not in known:
                DETECTORS.register(FactDetector(source, kind, source_name), name=kind.code)
                known.add(kind.code)


def detectors() -> list[Detector]:
    _adopt_fact_sources()
    return list(DETECTORS)


def detector(code: str) -> Detector:
    _adopt_fact_sources()
    return DETECTORS.get(code)


def fact_detectors(source_name: str) -> list[FactDetector]:
    """The detectors of one fact source's kinds."""
    return [d for d in detectors() if isinstance(d, FactDetector) and d.source_name == source_name]


def kind_label(code: str) -> str:
    _adopt_fact_sources()
    return str(DETECTORS.get(code).label) if code in DETECTORS.names() else code.replace("_", " ").capitalize()


def kind_choices() -> list[tuple[str, str | Promise]]:
    _adopt_fact_sources()
    return [(d.code, d.label) for d in DETECTORS]


def chunks(values: Iterable[T], size: int = 900) -> Iterable[list[T]]:
    """Batches small enough for SQLite's bound-parameter limit."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
