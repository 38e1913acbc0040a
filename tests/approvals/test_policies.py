"""Routing of the default policy set by its thresholds (and at the boundaries), and versioning."""

import pytest

from apps.approvals.conditions import describe, evaluate
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalPolicy, ControlModel, RequestStatus, RequestType
from apps.approvals.policies import PolicyError, current_policy, policy_revise, route
from apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def routed(site, request_type, **facts):
    return route(current_policy(request_type=request_type, site=site), facts)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"stock_ready": True, "credit_ok": True, "carrier_set": True}, ControlModel.STRAIGHT_THROUGH),
        ({"stock_ready": False, "credit_ok": True, "carrier_set": True}, None),
        ({"stock_ready": True, "credit_ok": False, "carrier_set": True}, None),
        ({"stock_ready": True, "credit_ok": True, "carrier_set": False}, None),
    ],
)
def test_standard_order_release_goes_straight_through_only_when_stock_credit_and_route_hold(
    policies, sites, facts, expected
):
    routing = routed(sites["BRU"], RequestType.ORDER_RELEASE, **facts)
    assert (routing.control_model if routing else None) == expected


@pytest.mark.parametrize(
    ("over_amount", "over_pct", "route_name", "low_risk"),
    [
        (0.0, 0.0, None, None),  # exactly at the limit: no hold
        (0.01, 0.0, "Slightly over the limit", True),
        (999.0, 9.99, "Slightly over the limit", True),
        (1000.0, 10.0, "Over the credit limit", False),  # the boundary belongs to the stricter route
        (5000.0, 50.0, "Over the credit limit", False),
    ],
)
def test_credit_hold_routes_to_one_finance_step_by_how_far_over_the_limit(
    policies, sites, over_amount, over_pct, route_name, low_risk
):
    routing = routed(sites["BRU"], RequestType.SHIPMENT_RELEASE, over_limit_amount=over_amount, over_limit_pct=over_pct)
    assert (routing.route_name if routing else None) == route_name
    if routing:
        assert routing.control_model == ControlModel.SINGLE_STEP and routing.low_risk is low_risk
        assert [(s.role, s.approvals_needed) for s in routing.steps] == [("approver_finance", 1)]


@pytest.mark.parametrize(
    ("variance_pct", "control_model"),
    [(0.0, "straight_through"), (4.99, "straight_through"), (5.0, "supervisor"), (60.0, "supervisor")],
)
def test_inventory_variance_needs_a_supervisor_with_a_reason_from_five_percent(
    policies, sites, variance_pct, control_model
):
    routing = routed(sites["BRU"], RequestType.INVENTORY_ADJUSTMENT, variance_pct=variance_pct)
    assert routing.control_model == control_model
    if control_model == "supervisor":
        (step,) = routing.steps
        assert step.role == "supervisor" and step.reason_required
        assert "variance_pct ≥ 5" in routing.condition_text


@pytest.mark.parametrize(
    ("freight_delta", "priority", "route_name", "roles"),
    [
        (50.0, 3, "Small freight delta", []),
        (50.01, 3, "Upgrade cost", ["approver_operations"]),
        (50.01, 1, "Priority customer", ["approver_operations"]),
        (500.0, 1, "Priority customer", ["approver_operations"]),
        (500.0, 2, "Upgrade cost", ["approver_operations"]),
        (500.01, 1, "Large upgrade cost", ["approver_operations", "approver_finance"]),
    ],
)
def test_carrier_upgrade_routes_by_freight_delta_and_customer_priority(
    policies, sites, freight_delta, priority, route_name, roles
):
    routing = routed(sites["BRU"], RequestType.CARRIER_UPGRADE, freight_delta=freight_delta, customer_priority=priority)
    assert routing.route_name == route_name
    assert [step.role for step in routing.steps] == roles


@pytest.mark.parametrize(("amount", "finance_approvals"), [(9999.99, 1), (10000.0, 2)])
def test_emergency_purchase_needs_procurement_operations_then_finance(policies, sites, amount, finance_approvals):
    routing = routed(sites["BRU"], RequestType.EMERGENCY_PURCHASE, amount=amount)
    assert routing.control_model == ControlModel.MULTI_ROLE
    assert [(s.role, s.approvals_needed) for s in routing.steps] == [
        ("approver_procurement", 1),
        ("approver_operations", 1),
        ("approver_finance", finance_approvals),
    ]


def test_default_policies_are_created_once(db):
    first = ensure_default_policies()
    assert len(first) == len(RequestType.values)
    assert ensure_default_policies() == []
    assert ApprovalPolicy.objects.count() == len(RequestType.values)


def test_a_missing_fact_never_satisfies_a_condition():
    condition = {"field": "variance_pct", "op": "gte", "value": 5}
    assert evaluate(condition, {}) is False
    assert evaluate(condition, {"variance_pct": "high"}) is False
    assert describe(condition, {"variance_pct": 12.5}) == "variance_pct ≥ 5 (was 12.5)"


def test_a_site_policy_overrides_the_default_at_that_site_only(policies, sites):
    definition = {
        "routes": [
            {
                "name": "All to supervisor",
                "when": {},
                "control_model": "supervisor",
                "steps": [{"name": "Sup", "role": "supervisor", "sla_minutes": 10}],
            }
        ]
    }
    policy_revise(request_type=RequestType.CARRIER_UPGRADE, definition=definition, site=sites["CHI"])
    assert routed(sites["CHI"], RequestType.CARRIER_UPGRADE, freight_delta=1.0).route_name == "All to supervisor"
    assert routed(sites["BRU"], RequestType.CARRIER_UPGRADE, freight_delta=1.0).route_name == "Small freight delta"


def test_revising_a_policy_leaves_requests_in_flight_untouched(policies, sites, make_request, people):
    in_flight = make_request(RequestType.SHIPMENT_RELEASE)
    old = in_flight.policy
    stricter = {
        "routes": [
            {
                "name": "Two finance approvals",
                "when": {"field": "over_limit_amount", "op": "gt", "value": 0},
                "control_model": "single_step",
                "steps": [{"name": "Finance x2", "role": "approver_finance", "approvals_needed": 2, "sla_minutes": 30}],
            }
        ]
    }
    new = policy_revise(
        request_type=RequestType.SHIPMENT_RELEASE, definition=stricter, note="tighter", actor=people["manager"]
    )

    assert (new.version, old.version) == (2, 1)
    old.refresh_from_db()
    assert not old.is_current and new.is_current
    in_flight.refresh_from_db()
    assert in_flight.policy_id == old.pk and in_flight.route_name == "Over the credit limit"
    assert list(in_flight.steps.values_list("name", "approvals_needed", "sla_minutes")) == [("Finance review", 1, 120)]
    fresh = make_request(RequestType.SHIPMENT_RELEASE)
    assert fresh.policy_id == new.pk
    assert list(fresh.steps.values_list("name", "approvals_needed")) == [("Finance x2", 2)]
    assert AuditEntry.objects.filter(action="approval_policy.revised", policy_version=new.label).exists()
    # saving the same definition again writes no new version
    assert policy_revise(request_type=RequestType.SHIPMENT_RELEASE, definition=stricter).pk == new.pk
    # the request raised under version 1 still approves under version 1's single step
    from apps.approvals.services.decisions import request_approve

    assert request_approve(request=in_flight, user=people["finance"]).status == RequestStatus.APPROVED


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({}, "needs 'routes'"),
        ({"routes": [{"name": "x", "control_model": "nope"}]}, "control_model must be"),
        ({"routes": [{"name": "x", "control_model": "single_step"}]}, "needs at least one step"),
        (
            {
                "routes": [
                    {"name": "x", "control_model": "straight_through", "steps": [{"name": "s", "role": "manager"}]}
                ]
            },
            "has no steps",
        ),
        (
            {
                "routes": [
                    {
                        "name": "x",
                        "when": {"field": "colour", "op": "eq", "value": 1},
                        "control_model": "straight_through",
                    }
                ]
            },
            "Unknown fact",
        ),
        (
            {"routes": [{"name": "x", "control_model": "single_step", "steps": [{"name": "s", "role": "pilot"}]}]},
            "is not a role",
        ),
    ],
)
def test_a_malformed_policy_is_refused_with_what_to_fix(db, definition, message):
    with pytest.raises(PolicyError, match=message):
        policy_revise(request_type=RequestType.CARRIER_UPGRADE, definition=definition)


def test_the_management_command_installs_the_defaults_once(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("approvals_defaults", stdout=out)
    assert "shipment_release@*:v1" in out.getvalue()
    call_command("approvals_defaults", stdout=out)
    assert "already present" in out.getvalue()


def _one_step(**step):
    return {
        "routes": [{"name": "x", "control_model": "single_step", "steps": [{"name": "s", "role": "manager", **step}]}]
    }


@pytest.mark.parametrize(
    "step",
    [
        {"sla_minutes": 10**12},  # once broke every raise: the due time overflowed
        {"sla_minutes": "60"},
        {"sla_minutes": 0},
        {"approvals_needed": 10**6},
        {"reminder_minutes": -5},
        {"approvals_needed": True},
    ],
)
def test_policy_numbers_are_bounded(db, step):
    """Issue 16 finding 3: a policy with absurd numbers is refused when saved, not at every raise."""
    with pytest.raises(PolicyError, match="must be a whole number from"):
        policy_revise(request_type=RequestType.CARRIER_UPGRADE, definition=_one_step(**step))


def test_a_route_that_is_not_an_object_is_refused(db):
    with pytest.raises(PolicyError, match="a route is an object"):
        policy_revise(request_type=RequestType.CARRIER_UPGRADE, definition={"routes": ["x"]})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_nan_or_infinite_fact_never_reads_as_no_approval_needed(make_request, value):
    """Issue 16 finding 3: NaN compares false with every threshold, which routed to "no request"."""
    with pytest.raises(PolicyError, match="not a number a policy can judge"):
        make_request(RequestType.INVENTORY_ADJUSTMENT, facts={"variance_pct": value, "variance_qty": value})
