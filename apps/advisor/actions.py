"""What accepting a recommendation does. `Recommendation.action` is {"kind": <name>, ...}; the kind is looked up
here. Apps (and the text advisors) add kinds with `ACTIONS.register(ActionKind(...), name=...)` in ready().

Each kind says whether the approval policy in force would let its action through with no person
(`policy_allows`): only those may ever be auto-applied. Applying goes through the same services a person's
action would (an approval request is raised and routed by its policy; nothing reaches Odoo directly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from apps.advisor.errors import AdvisorError
from apps.advisor.governance import policy_allows_straight_through
from apps.approvals.builders import DraftError
from apps.approvals.models import RequestType
from apps.approvals.policies import PolicyError
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.core.registry import Registry

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.advisor.models import Recommendation


@dataclass(frozen=True)
class ActionKind:
    name: str
    label: Any  # what the accept button says
    apply: Callable[[Recommendation, User | None], dict[str, Any]]  # returns what it did (stored as `result`)
    policy_allows: Callable[[Recommendation], bool] = lambda recommendation: False


ACTIONS: Registry[ActionKind] = Registry("advisor recommendation actions")


def action_kind(recommendation: Recommendation) -> ActionKind:
    name = str((recommendation.action or {}).get("kind") or "note")
    try:
        return ACTIONS.get(name)
    except KeyError:
        raise AdvisorError(f"Unknown action {name!r} on recommendation {recommendation.pk}.", status=400) from None


# -- note: accepting records that a person agreed; nothing else happens ---------------------------
def _apply_note(recommendation: Recommendation, actor: User | None) -> dict[str, Any]:
    return {}


NOTE = ACTIONS.register(ActionKind("note", _("Agree"), _apply_note), name="note")


# -- raise_request: an approval request, routed by the policy in force ----------------------------
def request_action(
    *,
    request_type: str,
    odoo_model: str,
    odoo_id: int | None,
    title: str,
    dedupe_key: str,
    facts: dict[str, Any],
    context: dict[str, Any] | None = None,
    effect: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `action` of a recommendation that raises an approval request when accepted."""
    if request_type not in RequestType.values:
        raise AdvisorError(f"Unknown request type {request_type!r}.", status=400)
    return {
        "kind": "raise_request",
        "request_type": request_type,
        "odoo_model": odoo_model,
        "odoo_id": odoo_id,
        "title": title,
        "dedupe_key": dedupe_key,
        "facts": facts,
        "context": context or {},
        "effect": effect or {},
    }


def _draft(recommendation: Recommendation) -> RequestDraft:
    action = recommendation.action
    return RequestDraft(
        request_type=action["request_type"],
        site=recommendation.site,
        odoo_model=action["odoo_model"],
        odoo_id=action.get("odoo_id"),
        title=action["title"],
        dedupe_key=action["dedupe_key"],
        facts=dict(action.get("facts") or {}),
        context=dict(action.get("context") or {}),
        effect=dict(action.get("effect") or {}),
        raised_by_rule=f"advisor:{recommendation.advisor}",
        reason=" ".join(str(reason) for reason in recommendation.reasons)[:1000],
    )


def _apply_request(recommendation: Recommendation, actor: User | None) -> dict[str, Any]:
    try:
        request = request_raise(draft=_draft(recommendation), requested_by=actor)
    except (DraftError, PolicyError) as exc:
        raise AdvisorError(str(exc), status=400) from None
    if request is None:
        return {"request_id": None, "note": "The policy in force does not call for a request."}
    return {"request_id": request.pk, "request_status": request.status}


def _request_policy_allows(recommendation: Recommendation) -> bool:
    action = recommendation.action
    return policy_allows_straight_through(
        request_type=action["request_type"], site=recommendation.site, facts=dict(action.get("facts") or {})
    )


RAISE_REQUEST = ACTIONS.register(
    ActionKind("raise_request", _("Raise the request"), _apply_request, _request_policy_allows), name="raise_request"
)
