"""The queue's figure column: the number each kind of exception turns on, in the shared words."""

import pytest

from apps.cases.models import Case
from apps.cases.summaries import case_figure


@pytest.mark.parametrize(
    ("kind", "detail", "figure"),
    [
        ("forward_shortage", {"on_hand": 0.0, "minimum": 4.0, "shortfall": 4.0}, "0 of min 4"),
        ("inventory_variance", {"counted_change": 72.0, "before": 55.0, "after": 127.0}, "55 → 127, +131%"),
        ("inventory_variance", {"counted_change": 5.0, "before": 0.0, "after": 5.0}, "0 → 5"),
        (
            "blocked_shipment",
            {"hold": "credit", "exposure": 61000.0, "credit_limit": 50000.0},
            "61,000 of 50,000 limit",
        ),
        ("pick_failure", {"failures": 4, "last": "2026-12-02T10:00:00"}, "4 failures"),
        ("late_receipt", {"expected": "2026-12-02T10:00:00"}, ""),  # the SLA column tells it
        ("forward_shortage", {}, ""),
    ],
)
def test_each_kind_shows_the_number_it_turns_on(kind, detail, figure):
    assert case_figure(Case(kind=kind, detail=detail)) == figure
