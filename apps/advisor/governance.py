"""The confidence gate: advisory by default; auto-apply only where the admin allowed it for the site and the
advisor, at or above the confidence threshold, and only for an action the approval policy in force would
release straight-through anyway (the approvals app's own routing decides; nothing is re-implemented here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from apps.advisor.models import AdvisorSetting, Mode
from apps.approvals.policies import current_policy, route
from apps.sites.models import Site


@dataclass(frozen=True)
class GateDecision:
    auto_apply: bool
    reason: str  # a sentence for the run log and the screen


def setting_for(*, site: Site, advisor: str) -> AdvisorSetting:
    """The site's setting for the advisor; the defaults (unsaved) when the admin never set one."""
    found = AdvisorSetting.objects.filter(site=site, advisor=advisor).first()
    return found if found is not None else AdvisorSetting(site=site, advisor=advisor)


def policy_allows_straight_through(*, request_type: str, site: Site, facts: dict[str, Any]) -> bool:
    """Whether the approval policy in force at the site routes these facts straight-through (no person)."""
    policy = current_policy(request_type=request_type, site=site)
    if policy is None:
        return False
    routing = route(policy, facts)
    return routing is not None and routing.straight_through


def gate(*, site: Site, advisor: str, confidence: float, policy_allows: bool) -> GateDecision:
    """Decide whether a recommendation is applied without a person. Every "no" says why."""
    setting = setting_for(site=site, advisor=advisor)
    if setting.mode != Mode.AUTO_APPLY:
        return GateDecision(False, _("Advisory mode: waiting for a person."))
    if confidence < setting.auto_apply_min_confidence:
        return GateDecision(
            False,
            _("Confidence %(confidence).2f is below the auto-apply threshold %(threshold).2f.")
            % {"confidence": confidence, "threshold": setting.auto_apply_min_confidence},
        )
    if not policy_allows:
        return GateDecision(False, _("The approval policy does not let this action through without a person."))
    return GateDecision(
        True,
        _("Auto-applied: confidence %(confidence).2f ≥ %(threshold).2f and the policy lets it through.")
        % {"confidence": confidence, "threshold": setting.auto_apply_min_confidence},
    )
