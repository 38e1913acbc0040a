"""Data the screen-wide browser tests share: one of each thing a screen shows, built in the mirror
and the services (no simulator), and a way to build it outside Playwright's event loop."""

import threading

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.detectors import detector
from apps.cases.models import Case
from apps.cases.services.detection import detect_subjects
from apps.docks.demo import dock_day_fill
from tests.cases import factories as f


def in_a_thread(function):
    """Playwright's sync API owns an event loop in this thread; the live publishing of the data does not."""
    results: list = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    return results[0]


def make_screens_data(sites) -> dict[str, int]:
    """One open case, a credit-hold request for finance and a count for the supervisor, a dock day."""
    ensure_default_policies()
    world = f.make_site_world("BRU")
    picking = f.make_picking(world, "incoming", state="assigned", scheduled_date=f.at(hours=-3))
    detect_subjects(detector=detector("late_receipt"), subject_ids=[picking.odoo_id])
    dock_day_fill(site=sites["BRU"], doors=4)

    def raise_request(request_type: str, facts: dict, number: int):
        return request_raise(
            draft=RequestDraft(
                request_type=request_type,
                site=sites["BRU"],
                odoo_model="stock.picking",
                odoo_id=number,
                title=f"BRU/OUT/{number}",
                dedupe_key=f"a11y:{number}",
                facts=facts,
                context={"picking": {"name": f"BRU/OUT/{number}", "state": "assigned"}},
                effect={
                    "operation": "release_delivery",
                    "odoo_model": "stock.picking",
                    "odoo_id": number,
                    "arguments": {"ship_now": False},
                    "preconditions": {"state_in": ["assigned"]},
                    "summary": "Release to the floor",
                },
                raised_by_rule="test",
            ),
            requested_by=None,
        )

    credit = {"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False}
    counted = {"variance_pct": 40.0, "variance_qty": -20.0}
    return {
        "case": Case.objects.get(site__code="BRU").pk,
        "request": raise_request(RequestType.SHIPMENT_RELEASE, credit, 7001).pk,
        "adjustment": raise_request(RequestType.INVENTORY_ADJUSTMENT, counted, 7002).pk,
    }
