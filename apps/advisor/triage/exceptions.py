"""Confirmed damage and short shipments from supplier messages, as cases in the exception queue.

The advisor sits above cases but opens no case itself: it reports facts through the registry core
owns (apps/core/exception_facts.py), registered in AdvisorConfig.ready, and cases opens one case
per confirmed message. A fact holds while the transfer is still to be processed (not done or
cancelled): the case clears itself when the receipt or delivery is done, or a person resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet

from apps.advisor.models import AdvisorName, Outcome, Recommendation
from apps.advisor.providers.base import DAMAGE, SHORT_SHIPMENT
from apps.core.exception_facts import ExceptionFact, ExceptionSource, FactKind
from apps.mirror.models import Picking
from apps.writeback.operations.base import OPEN_PICKING_STATES

SUBJECT = "advisor_recommendation"
DAMAGE_KIND, SHORT_KIND = "supplier_damage", "supplier_short_shipment"
KINDS = (
    FactKind(DAMAGE_KIND, "Damage reported by supplier or carrier", SUBJECT),
    FactKind(SHORT_KIND, "Short shipment reported by supplier", SUBJECT),
)
TRIAGE_OF = {DAMAGE_KIND: DAMAGE, SHORT_KIND: SHORT_SHIPMENT}
LOOKBACK = timedelta(days=30)  # older confirmations are history: they open no case


def _confirmed(kind: str, now: datetime) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(
        advisor=AdvisorName.MESSAGE_TRIAGE,
        status__in=(Outcome.ACCEPTED, Outcome.AUTO_APPLIED),
        action__triage=TRIAGE_OF[kind],
        decided_at__gte=now - LOOKBACK,
    )


class TriageExceptions(ExceptionSource):
    kinds = KINDS

    def candidates(self, *, kind: str, now: datetime, site_code: str = "") -> Iterable[int]:
        confirmed = _confirmed(kind, now)
        if site_code:
            confirmed = confirmed.filter(site__code=site_code)
        return list(confirmed.values_list("pk", flat=True))

    def facts(self, *, kind: str, subject_ids: set[int], now: datetime) -> list[ExceptionFact]:
        confirmed = list(_confirmed(kind, now).filter(pk__in=subject_ids).select_related("site"))
        states = dict(
            Picking.objects.filter(odoo_id__in=[r.action.get("picking_odoo_id") for r in confirmed]).values_list(
                "odoo_id", "state"
            )
        )
        facts = []
        for recommendation in confirmed:
            action = recommendation.action
            if states.get(action.get("picking_odoo_id")) not in OPEN_PICKING_STATES:
                continue
            quantity = action.get("quantity")
            stated = f"{quantity:g} × {action.get('product') or 'items'}" if quantity is not None else "—"
            label = "Damage reported" if kind == DAMAGE_KIND else "Short shipment reported"
            facts.append(
                ExceptionFact(
                    kind=kind,
                    subject_id=recommendation.pk,
                    site_code=recommendation.site.code,
                    severity="medium",
                    title=f"{label}: {action.get('picking_name')}",
                    detail={"recommendation": recommendation.pk, "picking": action.get("picking_odoo_id")},
                    context={
                        "heading": "Supplier or carrier message",
                        "rows": [
                            ["Transfer", action.get("picking_name") or "—"],
                            ["Reported", label],
                            ["Quantity", stated],
                            [
                                "Confirmed by",
                                recommendation.decided_by.get_username() if recommendation.decided_by else "—",
                            ],
                        ],
                        "url": f"/advisor/triage/{recommendation.site.code}/",
                        "link_text": "Open message triage",
                    },
                )
            )
        return facts


TRIAGE_EXCEPTIONS = TriageExceptions()
