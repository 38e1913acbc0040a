"""The default policy set: the five control models (README: *Approvals*), for every site.

Admins override them per site by revising (a site's own version wins over the default). The
thresholds here are the ones the tests check at their boundaries.
"""

from __future__ import annotations

from apps.accounts.roles import Role
from apps.approvals.models import ApprovalPolicy, ControlModel, RequestType
from apps.approvals.policies import policy_revise

FINANCE = {
    "name": "Finance review",
    "role": Role.APPROVER_FINANCE.value,
    "sla_minutes": 120,
    "reminder_minutes": 60,
}
OPERATIONS = {
    "name": "Operations",
    "role": Role.APPROVER_OPERATIONS.value,
    "sla_minutes": 30,
    "reminder_minutes": 15,
}
PROCUREMENT = {
    "name": "Procurement",
    "role": Role.APPROVER_PROCUREMENT.value,
    "sla_minutes": 60,
    "reminder_minutes": 30,
}


def _cmp(field: str, op: str, value) -> dict:
    return {"field": field, "op": op, "value": value}


DEFAULT_POLICIES: dict[str, dict] = {
    RequestType.ORDER_RELEASE: {
        "name": "Standard order release",
        "routes": [
            {
                "name": "Stock, credit and route hold",
                "when": {
                    "all": [
                        _cmp("stock_ready", "eq", True),
                        _cmp("credit_ok", "eq", True),
                        _cmp("carrier_set", "eq", True),
                    ]
                },
                "control_model": ControlModel.STRAIGHT_THROUGH,
            },
        ],
    },
    RequestType.SHIPMENT_RELEASE: {
        "name": "Shipment with credit hold",
        "routes": [
            {
                "name": "Slightly over the limit",
                "when": {"all": [_cmp("over_limit_amount", "gt", 0), _cmp("over_limit_pct", "lt", 10)]},
                "control_model": ControlModel.SINGLE_STEP,
                "low_risk": True,
                "steps": [FINANCE],
            },
            {
                "name": "Over the credit limit",
                "when": _cmp("over_limit_pct", "gte", 10),
                "control_model": ControlModel.SINGLE_STEP,
                "steps": [FINANCE],
            },
        ],
    },
    RequestType.INVENTORY_ADJUSTMENT: {
        "name": "Large inventory adjustment",
        "routes": [
            {
                "name": "Small count correction",
                "when": _cmp("variance_pct", "lt", 5),
                "control_model": "straight_through",
            },
            {
                "name": "Variance above threshold",
                "when": _cmp("variance_pct", "gte", 5),
                "control_model": ControlModel.SUPERVISOR,
                "steps": [
                    {
                        "name": "Supervisor",
                        "role": Role.SUPERVISOR.value,
                        "sla_minutes": 60,
                        "reminder_minutes": 30,
                        "reason_required": True,
                    }
                ],
            },
        ],
    },
    RequestType.CARRIER_UPGRADE: {
        "name": "Expedited carrier upgrade",
        "routes": [
            {
                "name": "Small freight delta",
                "when": _cmp("freight_delta", "lte", 50),
                "control_model": "straight_through",
            },
            {
                "name": "Priority customer",
                "when": {"all": [_cmp("freight_delta", "lte", 500), _cmp("customer_priority", "eq", 1)]},
                "control_model": ControlModel.COST_ESCALATION,
                "low_risk": True,
                "steps": [OPERATIONS],
            },
            {
                "name": "Upgrade cost",
                "when": _cmp("freight_delta", "lte", 500),
                "control_model": ControlModel.COST_ESCALATION,
                "steps": [OPERATIONS],
            },
            {
                "name": "Large upgrade cost",
                "when": _cmp("freight_delta", "gt", 500),
                "control_model": ControlModel.COST_ESCALATION,
                "steps": [OPERATIONS, {**FINANCE, "sla_minutes": 60, "reminder_minutes": 30}],
            },
        ],
    },
    RequestType.EMERGENCY_PURCHASE: {
        "name": "Emergency replenishment purchase",
        "routes": [
            {
                "name": "Large emergency purchase",
                "when": _cmp("amount", "gte", 10000),
                "control_model": ControlModel.MULTI_ROLE,
                "steps": [PROCUREMENT, OPERATIONS, {**FINANCE, "approvals_needed": 2}],
            },
            {
                "name": "Emergency purchase",
                "when": {},
                "control_model": ControlModel.MULTI_ROLE,
                "steps": [PROCUREMENT, OPERATIONS, FINANCE],
            },
        ],
    },
    # The dock's own rules decide which moves ask (DockRules.reschedule_needs_approval); the policy
    # decides who approves: a same-day shift is a low-risk single step, a move to another day too,
    # but shown as it is.
    RequestType.DOCK_RESCHEDULE: {
        "name": "Dock appointment reschedule",
        "routes": [
            {
                "name": "Same-day shift",
                "when": _cmp("across_days", "eq", False),
                "control_model": ControlModel.SINGLE_STEP,
                "low_risk": True,
                "steps": [OPERATIONS],
            },
            {
                "name": "Move to another day",
                "when": _cmp("across_days", "eq", True),
                "control_model": ControlModel.SINGLE_STEP,
                "steps": [OPERATIONS],
            },
        ],
    },
}


def default_definition(request_type: str) -> dict:
    """The default routes of one request type, as stored (plain JSON)."""
    spec = DEFAULT_POLICIES[request_type]
    return {"routes": [_plain(route) for route in spec["routes"]]}


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)  # TextChoices members become plain strings
    return value


def ensure_default_policies() -> list[str]:
    """Create the default (all-site) policy of each request type that has none yet. Safe to repeat."""
    created = []
    for request_type, spec in DEFAULT_POLICIES.items():
        if ApprovalPolicy.objects.filter(request_type=request_type, site__isnull=True).exists():
            continue
        policy = policy_revise(
            request_type=str(request_type),
            definition=default_definition(request_type),
            name=spec["name"],
            note="default policy set",
        )
        created.append(policy.label)
    return created
