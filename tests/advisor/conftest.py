"""Advisor fixtures: default approval policies, and a helper that logs a run and proposes from it."""

from __future__ import annotations

import itertools

import pytest

from apps.advisor.actions import request_action
from apps.advisor.models import AdvisorName
from apps.advisor.services import recommendation_propose, run_record
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType

_numbers = itertools.count(1)


@pytest.fixture
def policies(db):
    ensure_default_policies()


def carrier_upgrade(freight_delta: float, number: int) -> dict:
    return request_action(
        request_type=RequestType.CARRIER_UPGRADE,
        odoo_model="stock.picking",
        odoo_id=9000 + number,
        title=f"Expedite BRU/OUT/{number:05d}",
        dedupe_key=f"advisor-test:carrier:{number}",
        facts={"freight_delta": freight_delta, "customer_priority": 2},
        effect={
            "operation": "release_delivery",
            "odoo_model": "stock.picking",
            "odoo_id": 9000 + number,
            "arguments": {"ship_now": False},
            "preconditions": {},
            "summary": "Expedite",
        },
    )


@pytest.fixture
def propose(policies, sites):
    """Log a delay-risk run at a site and propose its recommendation; returns the recommendation."""

    def make(*, site="BRU", confidence=0.95, freight_delta=None, advisor=AdvisorName.DELAY_RISK, reasons=None):
        number = next(_numbers)
        run = run_record(
            advisor=advisor,
            version="test-1",
            site=sites[site],
            subject_key=f"picking:{9000 + number}",
            inputs={"picking": 9000 + number, "partner_name": "ACME Ltd"},
            output={"probability": confidence},
            reasons=reasons or ["Carrier late on 4 of the last 5 Mondays"],
            confidence=confidence,
            latency_ms=3,
        )
        action = carrier_upgrade(freight_delta, number) if freight_delta is not None else None
        return recommendation_propose(
            run=run, title=f"Delivery {number} at risk", dedupe_key=f"advisor-test:{number}", action=action
        )

    return make


@pytest.fixture
def make_request_for_advisor(policies, sites):
    from apps.approvals.services.raising import RequestDraft, request_raise

    return request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE,
            site=sites["BRU"],
            odoo_model="stock.picking",
            odoo_id=4711,
            title="Release BRU/OUT/4711",
            dedupe_key="advisor-test:request",
            facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
            context={},
            effect={
                "operation": "release_delivery",
                "odoo_model": "stock.picking",
                "odoo_id": 4711,
                "arguments": {"ship_now": False},
                "preconditions": {},
                "summary": "Release",
            },
            raised_by_rule="test",
        )
    )


from tests.advisor.fixtures_text import chat_model, world  # noqa: E402, F401  the text advisors' fixtures
from tests.approvals.conftest import make_request  # noqa: E402, F401  raises approval requests
