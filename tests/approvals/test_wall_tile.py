"""The wall's "What waits on a decision?" tile: requests of the site, the most overdue first, each
saying what it is about and the figure it turns on (the same summary the inbox rows show)."""

from datetime import timedelta

from django.utils import timezone

from apps.approvals.models import ApprovalRequest, RequestType
from apps.approvals.summaries import decision_summary
from apps.wall.tiles import render_tile

COUNT_CONTEXT = {
    "stock": [
        {
            "product": "[FURN_0789] Individual Workplace",
            "location": "WH/Stock",
            "on_hand_before": 55.0,
            "counted": 127.0,
            "reserved": 0.0,
        }
    ]
}


def test_decisions_tile_counts_waiting_requests_and_those_past_sla(make_request, sites):
    overdue = make_request(
        RequestType.SHIPMENT_RELEASE,
        facts={"amount": 12400.0, "over_limit_amount": 2100.0, "over_limit_pct": 17.0, "credit_ok": False},
    )
    soon = make_request(RequestType.INVENTORY_ADJUSTMENT)
    make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    ApprovalRequest.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(minutes=12, seconds=5))
    ApprovalRequest.objects.filter(pk=soon.pk).update(
        due_at=timezone.now() + timedelta(minutes=40, seconds=30), context=COUNT_CONTEXT
    )

    html = render_tile("decisions", sites["BRU"])

    assert '<span class="tile__number">2</span>' in html and "1 past SLA" in html
    assert html.index(overdue.context["picking"]["name"]) < html.index("[FURN_0789] Individual Workplace")
    assert "✖ overdue by 12 min" in html and "40 min left" in html
    assert "12,400 · 2,100 over limit" in html and "55 → 127, +131%" in html
    assert "waits on finance" in html and 'class="tile tile--bad"' in html


def test_a_count_is_summarised_by_its_product_and_its_change(make_request):
    request = make_request(RequestType.INVENTORY_ADJUSTMENT)
    request.context = COUNT_CONTEXT
    about = decision_summary(request)
    assert about.subject == "[FURN_0789] Individual Workplace"  # not the shared "Count of …" prefix
    assert about.where == "WH/Stock" and about.figure == "55 → 127, +131%"


def test_each_request_type_has_its_figure(make_request):
    upgrade = decision_summary(make_request(RequestType.CARRIER_UPGRADE, facts={"freight_delta": 85.0}))
    purchase = decision_summary(
        make_request(RequestType.EMERGENCY_PURCHASE, facts={"amount": 2500.0, "shortfall_qty": 40.0})
    )
    assert upgrade.action == "Expedite" and upgrade.figure == "+85 freight" and upgrade.subject.startswith("BRU/OUT/")
    assert purchase.action == "Buy" and purchase.figure == "40 units · 2,500"
