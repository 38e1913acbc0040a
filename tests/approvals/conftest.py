"""Approvals fixtures: the default policies, one user per approving role, and a request factory."""

from __future__ import annotations

import itertools

import pytest

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from tests.conftest import PASSWORD

_keys = itertools.count(1)


@pytest.fixture
def policies(db):
    ensure_default_policies()


def _user(username, roles, sites):
    return user_upsert(username=username, password=PASSWORD, roles=roles, sites=sites)


@pytest.fixture
def people(sites, approver, supervisor, manager):
    """Standing users per approving role at BRU (plus one at CHI, and one holding two roles)."""
    bru = [sites["BRU"]]
    return {
        "finance": approver,
        "finance2": _user("fin.two", [Role.APPROVER_FINANCE], bru),
        "operations": _user("oli.ops", [Role.APPROVER_OPERATIONS], bru),
        "procurement": _user("pat.procurement", [Role.APPROVER_PROCUREMENT], bru),
        "both": _user("bo.both", [Role.APPROVER_PROCUREMENT, Role.APPROVER_OPERATIONS], bru),
        "supervisor": supervisor,
        "manager": manager,
        "chi_finance": _user("chi.finance", [Role.APPROVER_FINANCE], [sites["CHI"]]),
    }


def release_effect(odoo_id: int = 4242) -> dict:
    return {
        "operation": "release_delivery",
        "odoo_model": "stock.picking",
        "odoo_id": odoo_id,
        "arguments": {"ship_now": False},
        "preconditions": {"state_in": ["confirmed", "assigned", "waiting"]},
        "summary": "Release to the floor",
    }


FACTS = {
    RequestType.SHIPMENT_RELEASE: {"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
    RequestType.INVENTORY_ADJUSTMENT: {"variance_pct": 40.0, "variance_qty": -20.0},
    RequestType.CARRIER_UPGRADE: {"freight_delta": 200.0, "customer_priority": 2},
    RequestType.EMERGENCY_PURCHASE: {"amount": 2500.0, "shortfall_qty": 40.0},
}


@pytest.fixture
def make_request(policies, sites):
    """Raise a request of a type at a site with given facts (no mirror needed)."""

    def make(request_type=RequestType.SHIPMENT_RELEASE, *, site="BRU", facts=None, requested_by=None, effect=None):
        number = next(_keys)
        draft = RequestDraft(
            request_type=request_type,
            site=sites[site],
            odoo_model="stock.picking",
            odoo_id=4000 + number,
            title=f"Test request {number}",
            dedupe_key=f"test:{number}",
            facts=dict(FACTS.get(request_type, {}) if facts is None else facts),
            context={"picking": {"name": f"BRU/OUT/{number:05d}", "state": "assigned"}},
            effect=release_effect(4000 + number) if effect is None else effect,
            raised_by_rule="" if requested_by else "test",
            reason="because" if requested_by else "",
        )
        return request_raise(draft=draft, requested_by=requested_by)

    return make
