"""The wall's "What waits on a decision?" tile: requests of the site, the most overdue first."""

from datetime import timedelta

from django.utils import timezone

from apps.approvals.models import ApprovalRequest, RequestType
from apps.wall.tiles import render_tile


def test_decisions_tile_counts_waiting_requests_and_those_past_sla(make_request, sites):
    overdue = make_request(RequestType.SHIPMENT_RELEASE)
    soon = make_request(RequestType.INVENTORY_ADJUSTMENT)
    make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    ApprovalRequest.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(minutes=12))
    ApprovalRequest.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(minutes=40))

    html = render_tile("decisions", sites["BRU"])

    assert '<span class="tile__number">2</span>' in html and "1 past SLA" in html
    assert html.index(overdue.title) < html.index(soon.title)
    assert "SLA +12 min" in html and "40 min left" in html
    assert "waits on finance" in html and 'class="tile tile--bad"' in html
