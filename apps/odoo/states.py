"""Odoo's own words for the states of its records.

Odoo stores `assigned`, `confirmed`, `sale`; its screens say "Ready", "Waiting", "Sales Order".
Control Tower shows the words a warehouse team knows from Odoo: the labels of Odoo 17's `state`
selections, as a real server answers them (odoo-contract/fields/*.json; a test checks the two
agree), in the reader's language. A state Odoo adds later shows as stored rather than failing.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

# One translation context per model: "Done" or "Waiting" may read differently in another language
# depending on what is done or waiting.
STATE_LABELS: dict[str, dict[str, Promise]] = {
    "stock.picking": {
        "draft": pgettext_lazy("stock.picking state", "Draft"),
        "waiting": pgettext_lazy("stock.picking state", "Waiting Another Operation"),
        "confirmed": pgettext_lazy("stock.picking state", "Waiting"),
        "assigned": pgettext_lazy("stock.picking state", "Ready"),
        "done": pgettext_lazy("stock.picking state", "Done"),
        "cancel": pgettext_lazy("stock.picking state", "Cancelled"),
    },
    "stock.move": {
        "draft": pgettext_lazy("stock.move state", "New"),
        "waiting": pgettext_lazy("stock.move state", "Waiting Another Move"),
        "confirmed": pgettext_lazy("stock.move state", "Waiting Availability"),
        "partially_available": pgettext_lazy("stock.move state", "Partially Available"),
        "assigned": pgettext_lazy("stock.move state", "Available"),
        "done": pgettext_lazy("stock.move state", "Done"),
        "cancel": pgettext_lazy("stock.move state", "Cancelled"),
    },
    "sale.order": {
        "draft": pgettext_lazy("sale.order state", "Quotation"),
        "sent": pgettext_lazy("sale.order state", "Quotation Sent"),
        "sale": pgettext_lazy("sale.order state", "Sales Order"),
        "cancel": pgettext_lazy("sale.order state", "Cancelled"),
    },
    "purchase.order": {
        "draft": pgettext_lazy("purchase.order state", "RFQ"),
        "sent": pgettext_lazy("purchase.order state", "RFQ Sent"),
        "to approve": pgettext_lazy("purchase.order state", "To Approve"),
        "purchase": pgettext_lazy("purchase.order state", "Purchase Order"),
        "done": pgettext_lazy("purchase.order state", "Locked"),
        "cancel": pgettext_lazy("purchase.order state", "Cancelled"),
    },
}


def state_label(model: str | None, state: str | None) -> str:
    """'Ready' for ("stock.picking", "assigned"); an unknown model or state reads as stored."""
    if not state:
        return "—"
    label = STATE_LABELS.get(model or "", {}).get(state)
    return str(label) if label is not None else state
