"""Queue orderings other apps offer: the exception queue (`?sort=<key>`) and the wall's at-risk tile sort by them.

The default order (severity, then the rule-based priority score, then age) lives in the selectors. A higher
app (the advisor) registers an ordering in its AppConfig.ready(); cases applies it without importing it::

    CASE_ORDERINGS.register(CaseOrdering("advisor", "Advisor priority", order_by_advisor_priority), name="advisor")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from apps.core.registry import Registry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.cases.models import Case


@dataclass(frozen=True)
class CaseOrdering:
    key: str  # the value of ?sort=
    label: str  # what the sort menu says
    apply: Callable[[QuerySet[Case]], QuerySet[Case]]  # returns the queryset ordered (ties: the default order)


CASE_ORDERINGS: Registry[CaseOrdering] = Registry("exception queue orderings")


def ordering_choices() -> list[tuple[str, str]]:
    """("", default) and every registered ordering, for the sort menu."""
    return [("", gettext("Severity, then priority")), *[(ordering.key, ordering.label) for ordering in CASE_ORDERINGS]]


def apply_ordering(cases: QuerySet[Case], key: str) -> QuerySet[Case] | None:
    """The cases in the registered ordering `key`; None when no such ordering (the caller keeps its own)."""
    if not key:
        return None
    try:
        return CASE_ORDERINGS.get(key).apply(cases)
    except KeyError:
        return None
