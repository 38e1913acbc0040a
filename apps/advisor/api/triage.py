"""POST /api/v1/advisor/triage/: a supplier or carrier message in, its reading and the proposed update out.

The proposal is a recommendation (see apps/advisor/api for accept/reject): confirming it is
`POST /api/v1/advisor/recommendations/<id>/accept/`, which queues the update in the outbox.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.selectors import sites_visible_to
from apps.advisor.errors import AdvisorError
from apps.advisor.services import DECIDER_ROLES
from apps.advisor.triage.services import TriageResult, message_triage
from apps.core.api import register_problem

register_problem(AdvisorError)  # carries its own status: 400 empty, 413 too long, 409 triage off, 404 site


class TriageInput(serializers.Serializer):
    site = serializers.CharField(max_length=20, help_text="Site code, e.g. BRU.")
    message = serializers.CharField(
        allow_blank=True, trim_whitespace=True, help_text="The message as received (at most ADVISOR_TRIAGE_MAX_CHARS)."
    )


class TriageFactsOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["delay", "damage", "short_shipment", "other"])
    confidence = serializers.FloatField()
    reference = serializers.CharField()
    new_date = serializers.DateField(allow_null=True)
    new_time = serializers.CharField()
    quantity = serializers.FloatField(allow_null=True)
    product = serializers.CharField()
    language = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class TriageRecordOutput(serializers.Serializer):
    odoo_model = serializers.CharField()
    odoo_id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    scheduled_date = serializers.DateTimeField(allow_null=True)
    order = serializers.CharField()


class TriageOutput(serializers.Serializer):
    run = serializers.IntegerField(help_text="The run in the advisor's log.")
    provider = serializers.CharField(help_text='"local", "external", or "local (fallback from external)".')
    facts = TriageFactsOutput()
    record = TriageRecordOutput(allow_null=True, help_text="The site's transfer the message is about.")
    match = serializers.CharField(help_text="How the record was found, or why not.")
    recommendation = serializers.IntegerField(allow_null=True, help_text="Accept it to send the update to Odoo.")
    proposal = serializers.DictField(help_text="What accepting does ({} when there is nothing to confirm).")
    explanation = serializers.CharField()


def triage_payload(result: TriageResult) -> dict[str, Any]:
    picking = result.match.picking
    record = None
    if picking is not None:
        record = {
            "odoo_model": "stock.picking",
            "odoo_id": picking.odoo_id,
            "name": picking.name,
            "state": picking.state,
            "scheduled_date": picking.scheduled_date,
            "order": result.match.order_name,
        }
    return {
        "run": result.run.pk,
        "provider": result.run.provider,
        "facts": result.facts.as_json(),
        "record": record,
        "match": result.match.note,
        "recommendation": result.recommendation.pk if result.recommendation else None,
        "proposal": result.proposal,
        "explanation": result.explanation,
    }


class TriageApi(APIView):
    """Classify a supplier or carrier message (delay, damage, short shipment, other), extract its facts,
    match it to the site's mirrored transfer and propose the update. Nothing is written to Odoo: a
    person accepts the recommendation to send it. Empty → 400; longer than ADVISOR_TRIAGE_MAX_CHARS → 413."""

    permission_classes = [HasRole.of(*DECIDER_ROLES)]

    @extend_schema(request=TriageInput, responses={200: TriageOutput}, operation_id="advisor_triage")
    def post(self, request: Request) -> Response:
        data = TriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        site = sites_visible_to(request.user).filter(code=data.validated_data["site"]).first()
        if site is None:
            raise AdvisorError("No such site among yours.", status=404)
        result = message_triage(site=site, text=data.validated_data["message"], user=request.user)  # type: ignore[arg-type]
        return Response(TriageOutput(triage_payload(result)).data, status=status.HTTP_200_OK)
