"""Approval kinds: how an app that cannot import approvals still asks for one and hears the decision.

Approvals routes requests by versioned policies, with steps, SLAs and an inbox. An app on the same
layer (docks) has decisions that need the same treatment — a dock reschedule the site wants
approved — but siblings never import each other. So neither owns the contract; it lives here:

    # apps/docks/apps.py: the asking app registers its kind (its code is the request type)
    APPROVAL_KINDS.register(DockReschedule(), name="dock_reschedule")

    # apps/approvals/apps.py: approvals registers the desk that raises requests
    APPROVAL_DESKS.register(ask_from_kind, name="approvals")

    # the asking app, in its own transaction:
    answer = approval_ask(ApprovalAsk(kind="dock_reschedule", site_code="BRU", subject_id=7, ...))
    # answer.pending: wait; approvals calls the kind's decided() in the decision's transaction.
    # not answer.pending: the policy in force needs no approval (no route, or straight-through).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from apps.core.registry import Registry

DESK = "approvals"  # the name approvals registers its desk under


@dataclass(frozen=True)
class ApprovalAsk:
    """A decision an app wants approved, in plain values (ids, not model instances of other apps)."""

    kind: str  # a registered ApprovalKind's code; approvals routes it by that request type's policy
    site_code: str
    subject_id: int  # the asking app's own record (the dock appointment)
    title: str  # what the inbox shows, e.g. "Move DHL · AB-12 from Thu 10:00 D1 to Fri 14:30 D3"
    dedupe_key: str  # one open request per key
    facts: dict[str, Any]  # what the policy's routes judge (numbers and booleans)
    context: dict[str, Any] = field(default_factory=dict)  # what the approver sees beside the facts
    odoo_model: str = ""
    odoo_id: int | None = None
    requested_by_id: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class AskAnswer:
    request_id: int | None  # None: the policy in force raised nothing
    pending: bool  # True: wait for the kind's decided(); False: no approval needed, go ahead
    refused: bool = False  # the same ask (same dedupe key) was already rejected: do not go ahead


class ApprovalKind(ABC):
    """What an asking app registers: its code (also the approval request type) and what to do
    when a pending request is decided."""

    code: str
    label: str
    facts: dict[str, str] = {}  # the facts its requests carry, with what they mean (policies test them)

    @abstractmethod
    def decided(self, *, subject_id: int, request_id: int, approved: bool, actor_id: int | None) -> None:
        """Called by approvals inside the decision's transaction, once, when a pending request is
        approved (its last step) or rejected. Must be safe to call again for the same request."""


APPROVAL_KINDS: Registry[ApprovalKind] = Registry("approval kinds")
APPROVAL_DESKS: Registry[Callable[[ApprovalAsk], AskAnswer]] = Registry("approval desks")


def kind_facts() -> dict[str, str]:
    """Every registered kind's facts: approvals accepts them in policy conditions."""
    return {name: meaning for kind in APPROVAL_KINDS for name, meaning in kind.facts.items()}


def approval_ask(ask: ApprovalAsk) -> AskAnswer:
    """Raise an approval request for a registered kind (in the caller's transaction)."""
    if ask.kind not in APPROVAL_KINDS.names():
        raise ImproperlyConfigured(f"Approval kind {ask.kind!r} is not registered (known: {APPROVAL_KINDS.names()}).")
    try:
        desk = APPROVAL_DESKS.get(DESK)
    except KeyError:
        raise ImproperlyConfigured("No approval desk is registered: is apps.approvals installed?") from None
    return desk(ask)


def approval_decided(*, kind: str, subject_id: int, request_id: int, approved: bool, actor_id: int | None) -> None:
    """Approvals tells the asking app (if the request's type is a registered kind)."""
    if kind in APPROVAL_KINDS.names():
        APPROVAL_KINDS.get(kind).decided(
            subject_id=subject_id, request_id=request_id, approved=approved, actor_id=actor_id
        )
