"""Inputs of the approval screens and API: a form per request type for people raising a request
(rendered by the screen), and what the screens and the API share: the decision and bulk inputs (DRF
serializers read a form post and a JSON body alike, and describe themselves in the schema) and the
lookup of the request a URL names."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import Http404
from rest_framework import serializers

from apps.approvals.models import ApprovalRequest, RequestType
from apps.approvals.selectors import request_for
from apps.approvals.services.dispatch import ACTIONS, request_decide
from apps.core.numbers import MAX_RECORD_ID
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
        cast(forms.ChoiceField, self.fields["carrier_id"]).choices = [(c.odoo_id, c.name) for c in carriers]


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


class ApprovalDecideInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    to_user = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApprovalBulkInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_RECORD_ID), min_length=1, max_length=500
    )


def decide_with_input(*, request: ApprovalRequest, user, data: Any) -> str:
    """Validate a decision's input and take it (the inbox, the request page and the API).

    Returns the sentence for the person; raises serializers.ValidationError or DecisionRefused."""
    values = ApprovalDecideInputSerializer(data=data)
    values.is_valid(raise_exception=True)
    return request_decide(request=request, user=user, **values.validated_data)


def request_or_404(user, request_id: int) -> ApprovalRequest:
    """The request a URL names, if it is at one of the user's sites (404 otherwise), for both paths."""
    try:
        return request_for(user, request_id)
    except ApprovalRequest.DoesNotExist:
        raise Http404("No such request at your sites.") from None
