"""Policies: checking a definition, finding the version in force, routing facts, writing a new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from apps.accounts.roles import Role
from apps.approvals.conditions import ConditionError, check_condition, describe, evaluate
from apps.approvals.models import ApprovalPolicy, ControlModel, RequestType
from apps.audit.services import audit_record
from apps.sites.models import Site


class PolicyError(ValueError):
    """A policy definition that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class StepSpec:
    name: str
    role: str = ""
    approvers: tuple[str, ...] = ()  # usernames
    approvals_needed: int = 1
    sla_minutes: int = 60
    reminder_minutes: int = 0  # 0: half the SLA
    reason_required: bool = False

    @property
    def reminder_after(self) -> int:
        return self.reminder_minutes or max(1, self.sla_minutes // 2)


@dataclass(frozen=True)
class Routing:
    """Which route of which policy version applies to a set of facts, and why."""

    policy: ApprovalPolicy
    route_name: str
    control_model: str
    low_risk: bool
    condition_text: str
    steps: list[StepSpec] = field(default_factory=list)

    @property
    def straight_through(self) -> bool:
        return self.control_model == ControlModel.STRAIGHT_THROUGH


def check_definition(definition: Any) -> None:
    """Raise PolicyError unless the definition is a list of well-formed routes."""
    routes = definition.get("routes") if isinstance(definition, dict) else None
    if not isinstance(routes, list) or not routes:
        raise PolicyError("A policy needs 'routes': a non-empty list, checked in order.")
    for index, route in enumerate(routes, start=1):
        if not isinstance(route, dict):
            raise PolicyError(f"Route {index}: a route is an object with name, when, control_model, steps.")
        where = f"Route {index} ({route.get('name') or 'unnamed'})"
        if not route.get("name"):
            raise PolicyError(f"{where}: give it a name.")
        try:
            check_condition(route.get("when"))
        except ConditionError as exc:
            raise PolicyError(f"{where}: {exc}") from None
        model = route.get("control_model")
        if model not in ControlModel.values:
            raise PolicyError(f"{where}: control_model must be one of {', '.join(ControlModel.values)}.")
        steps = route.get("steps") or []
        if model == ControlModel.STRAIGHT_THROUGH and steps:
            raise PolicyError(f"{where}: a straight-through route has no steps.")
        if model != ControlModel.STRAIGHT_THROUGH and not steps:
            raise PolicyError(f"{where}: a {model} route needs at least one step.")
        for number, step in enumerate(steps, start=1):
            _check_step(step, f"{where}, step {number}")


#: a step's numbers: (default, lowest, highest); sane ranges, so one bad policy cannot break every raise
STEP_BOUNDS = {
    "approvals_needed": (1, 1, 10),
    "sla_minutes": (60, 1, 30 * 24 * 60),  # up to 30 days
    "reminder_minutes": (0, 0, 30 * 24 * 60),
}


def _check_step(step: dict, where: str) -> None:
    if not isinstance(step, dict):
        raise PolicyError(f"{where}: a step is an object with name, role, sla_minutes.")
    if not step.get("name"):
        raise PolicyError(f"{where}: give the step a name.")
    if not step.get("role") and not step.get("approvers"):
        raise PolicyError(f"{where}: name a role or at least one approver.")
    if "escalate_to_role" in step:
        # Who is told when a step runs late is an escalation policy now (per site and per approval step).
        raise PolicyError(f"{where}: escalate_to_role is no longer part of a step; set an escalation policy instead.")
    if step.get("role") and step["role"] not in Role.values:
        raise PolicyError(f"{where}: role {step['role']!r} is not a role ({', '.join(Role.values)}).")
    for key, (default, low, high) in STEP_BOUNDS.items():
        value = step.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PolicyError(f"{where}: {key} must be a whole number from {low} to {high}, got {value!r}.")
    if step.get("approvers") is not None and not (
        isinstance(step["approvers"], list) and all(isinstance(name, str) for name in step["approvers"])
    ):
        raise PolicyError(f"{where}: approvers is a list of usernames.")


def current_policy(*, request_type: str, site: Site) -> ApprovalPolicy | None:
    """The version in force at the site: the site's own, else the default for every site."""
    policies = ApprovalPolicy.objects.filter(request_type=request_type, is_current=True).select_related("site")
    return policies.filter(site=site).first() or policies.filter(site__isnull=True).first()


def route(policy: ApprovalPolicy, facts: dict[str, Any]) -> Routing | None:
    """The first route whose condition holds, or None: the policy does not call for a request."""
    for spec in policy.definition["routes"]:
        if evaluate(spec.get("when"), facts):
            return Routing(
                policy=policy,
                route_name=spec["name"],
                control_model=spec["control_model"],
                low_risk=bool(spec.get("low_risk")),
                condition_text=describe(spec.get("when"), facts),
                steps=[_step_spec(step) for step in spec.get("steps") or []],
            )
    return None


def _step_spec(step: dict) -> StepSpec:
    return StepSpec(
        name=step["name"],
        role=step.get("role", ""),
        approvers=tuple(step.get("approvers") or ()),
        approvals_needed=int(step.get("approvals_needed", 1)),
        sla_minutes=int(step.get("sla_minutes", 60)),
        reminder_minutes=int(step.get("reminder_minutes", 0)),
        reason_required=bool(step.get("reason_required")),
    )


@transaction.atomic
def policy_revise(
    *, request_type: str, definition: dict, site: Site | None = None, name: str = "", note: str = "", actor=None
) -> ApprovalPolicy:
    """Write the next version of a policy and put it in force. Requests in flight keep theirs.

    Saving a definition identical to the current one returns the current version (safe to repeat).
    """
    if request_type not in RequestType.values:
        raise PolicyError(f"Unknown request type {request_type!r}; use one of {', '.join(RequestType.values)}.")
    check_definition(definition)
    current = (
        ApprovalPolicy.objects.select_for_update(of=("self",))
        .filter(request_type=request_type, site=site, is_current=True)
        .first()
    )
    if current is not None and current.definition == definition and (not name or name == current.name):
        return current
    latest = ApprovalPolicy.objects.filter(request_type=request_type, site=site).order_by("-version").first()
    if current is not None:
        ApprovalPolicy.objects.filter(pk=current.pk).update(is_current=False)
    policy = ApprovalPolicy.objects.create(
        request_type=request_type,
        site=site,
        version=(latest.version + 1) if latest else 1,
        name=name or (current.name if current else str(RequestType(request_type).label)),
        definition=definition,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        action="approval_policy.revised",
        subject=f"approval_policy:{policy.pk}",
        actor=actor,
        site_code=site.code if site else "",
        policy_version=policy.label,
        data={"definition": definition, "note": note, "previous": current.label if current else None},
    )
    return policy
