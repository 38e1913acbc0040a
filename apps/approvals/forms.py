"""Forms: one per request type for people raising a request, and the decision form."""

from __future__ import annotations

from django import forms

from apps.approvals.models import RequestType
from apps.mirror.models import Carrier

REASON = forms.CharField(
    widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text="Why you ask; approvers read this first."
)


class ReleaseForm(forms.Form):
    picking = forms.CharField(label="Delivery", max_length=100, help_text="Transfer reference, e.g. BRU/OUT/00042")
    reason = REASON


class CarrierUpgradeForm(forms.Form):
    picking = forms.CharField(label="Delivery", max_length=100, help_text="Transfer reference, e.g. BRU/OUT/00042")
    carrier_id = forms.TypedChoiceField(label="Expedited carrier", coerce=int, choices=())
    freight_delta = forms.FloatField(
        label="Extra freight cost", min_value=0, max_value=1e12, help_text="The carrier's quote"
    )
    reason = REASON

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        carriers = Carrier.objects.filter(is_archived=False, is_deleted=False).order_by("name")
        self.fields["carrier_id"].choices = [(c.odoo_id, c.name) for c in carriers]


class InventoryAdjustmentForm(forms.Form):
    quant_id = forms.IntegerField(label="Quant (Odoo id)", min_value=1, max_value=2**31 - 1)
    counted_quantity = forms.FloatField(label="Counted quantity", min_value=0, max_value=1e12)
    reason = REASON


class EmergencyPurchaseForm(forms.Form):
    orderpoint_id = forms.IntegerField(label="Orderpoint (Odoo id)", min_value=1, max_value=2**31 - 1)
    purchase_order = forms.CharField(
        label="Draft purchase order", required=False, max_length=100, help_text="e.g. P00042; optional"
    )
    reason = REASON


FORMS: dict[str, type[forms.Form]] = {
    RequestType.SHIPMENT_RELEASE: ReleaseForm,
    RequestType.ORDER_RELEASE: ReleaseForm,
    RequestType.CARRIER_UPGRADE: CarrierUpgradeForm,
    RequestType.INVENTORY_ADJUSTMENT: InventoryAdjustmentForm,
    RequestType.EMERGENCY_PURCHASE: EmergencyPurchaseForm,
}


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("approve", "reject", "request_info", "provide_info", "delegate")]
    )
    reason = forms.CharField(required=False, max_length=2000)
    to_user = forms.CharField(required=False, max_length=150)
    until = forms.DateTimeField(required=False)
