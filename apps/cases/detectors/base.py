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

from apps.cases.scoring import Priority
from apps.cases.site_rules import SiteResolver, SiteRules
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
    label: str = ""
    owner_role: str = "supervisor"
    watches: tuple[str, ...] = ()  # Odoo models whose change sets may change this detector's answer
    time_based: bool = False  # its answer changes with the clock alone: run it in the sweep

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


def detectors() -> list[Detector]:
    return list(DETECTORS)


def detector(code: str) -> Detector:
    return DETECTORS.get(code)


def kind_label(code: str) -> str:
    return DETECTORS.get(code).label if code in DETECTORS.names() else code.replace("_", " ").capitalize()


def kind_choices() -> list[tuple[str, str]]:
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
