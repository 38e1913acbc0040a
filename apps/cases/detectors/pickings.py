"""Transfer detectors: late receipts, late transfers, outbound not ready before cutoff, aging
transfers, unassigned work about to start, carrier exceptions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from apps.cases.detectors.base import register
from apps.cases.detectors.transfers import Hit, TransferDetector, kind_word, local_time
from apps.cases.models import Severity
from apps.cases.scoring import duration_words
from apps.cases.site_rules import SiteRules, minutes_between

NOT_READY_STATES = ("waiting", "confirmed")  # Odoo: waiting for another operation / for stock


@register
class LateReceiptDetector(TransferDetector):
    """A receipt past its expected date (plus the site's grace) that is not done."""

    code = "late_receipt"
    label = _("Late receipt")
    codes = ("incoming",)
    group_by_order = False
    watches: tuple[str, ...] = ("stock.picking",)
    time_based = True

    def candidate_filter(self, now: datetime) -> dict:
        return {"scheduled_date__lt": now}

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        due = picking["scheduled_date"]
        if due is None or minutes_between(now, due) < rules.settings.late_receipt_grace_min:
            return None
        late = minutes_between(now, due)
        return Hit(
            severity=Severity.HIGH if late >= 8 * 60 else Severity.MEDIUM,
            title=f"Receipt {picking['name']} late — expected {local_time(rules, due)}",
            detail={"expected": due.isoformat()},
        )


@register
class LateTransferDetector(TransferDetector):
    """A delivery or internal transfer past its scheduled date that is not done."""

    code = "picking_late"
    label = _("Transfer past scheduled date")
    codes = ("outgoing", "internal")
    time_based = True

    def candidate_filter(self, now: datetime) -> dict:
        return {"scheduled_date__lt": now}

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        due = picking["scheduled_date"]
        if due is None or minutes_between(now, due) < rules.settings.picking_late_grace_min:
            return None
        late = minutes_between(now, due)
        if picking["picking_type_code"] == "outgoing":
            severity = Severity.CRITICAL if late >= 4 * 60 else Severity.HIGH
        else:
            severity = Severity.MEDIUM
        return Hit(
            severity=severity,
            title=f"{kind_word(picking)} {picking['name']} past its scheduled time {local_time(rules, due)}",
            detail={"scheduled": due.isoformat()},
            minutes_to_cutoff=-late if picking["picking_type_code"] == "outgoing" else None,
            ready=picking["state"] == "assigned",
        )


@register
class OutboundNearCutoffDetector(TransferDetector):
    """A delivery not ready (stock not reserved) within N minutes of its route cutoff.

    The deadline is the earlier of the scheduled time and the carrier's cutoff on that local day:
    goods must be ready for the truck that takes them. Deadlines missed more than a day ago are
    the late-transfer detector's business, not a cutoff alarm.
    """

    code = "outbound_near_cutoff"
    label = _("Outbound not ready before cutoff")
    codes = ("outgoing",)
    time_based = True

    def candidate_filter(self, now: datetime) -> dict:
        return {"state__in": NOT_READY_STATES, "scheduled_date__gte": now - timedelta(days=1)}

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        scheduled = picking["scheduled_date"]
        if scheduled is None or picking["state"] not in NOT_READY_STATES:
            return None
        cutoff = rules.cutoff_at(scheduled, picking["carrier_name"])
        deadline = min(scheduled, cutoff)
        left = minutes_between(deadline, now)
        if left > rules.settings.cutoff_warning_min or left < -24 * 60:
            return None
        carrier = f" ({picking['carrier_name']})" if picking["carrier_name"] else ""
        when = "missed" if left <= 0 else f"in {duration_words(left)}"
        return Hit(
            severity=Severity.CRITICAL if left <= 30 else Severity.HIGH,
            title=f"Delivery {picking['name']} not ready — cutoff {local_time(rules, deadline)}{carrier}",
            detail={"deadline": deadline.isoformat(), "cutoff": when},
            minutes_to_cutoff=left,
            ready=False,
        )


@register
class AgingTransferDetector(TransferDetector):
    """A transfer waiting (for stock or another operation) longer than N hours."""

    code = "aging_transfer"
    label = _("Aging transfer")
    time_based = True

    def candidate_filter(self, now: datetime) -> dict:
        return {"state__in": NOT_READY_STATES, "odoo_create_date__lt": now - timedelta(hours=1)}

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        created = picking["odoo_create_date"]
        if created is None or picking["state"] not in NOT_READY_STATES:
            return None
        waited_h = (now - created) / timedelta(hours=1)
        limit = rules.settings.aging_transfer_hours
        if waited_h < limit:
            return None
        return Hit(
            severity=Severity.MEDIUM if waited_h >= 2 * limit else Severity.LOW,
            title=f"{kind_word(picking)} {picking['name']} waiting since {local_time(rules, created)}",
            detail={"created": created.isoformat()},
            ready=False,
        )


@register
class UnassignedTaskDetector(TransferDetector):
    """A ready transfer with nobody responsible, about to start."""

    code = "unassigned_task"
    label = _("Unassigned task near start")
    time_based = True

    def candidate_filter(self, now: datetime) -> dict:
        return {
            "state": "assigned",
            "responsible_odoo_id": None,
            "scheduled_date__gte": now - timedelta(hours=2),
            "scheduled_date__lt": now + timedelta(hours=4),
        }

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        start = picking["scheduled_date"]
        if start is None or picking["state"] != "assigned" or picking["responsible_odoo_id"]:
            return None
        to_start = minutes_between(start, now)
        # Once it is late, the late-transfer case takes over.
        if to_start > rules.settings.unassigned_start_min or to_start < -rules.settings.picking_late_grace_min:
            return None
        return Hit(
            severity=Severity.LOW,
            title=f"Nobody assigned to {kind_word(picking).lower()} {picking['name']} "
            f"starting {local_time(rules, start)}",
            detail={"starts": start.isoformat()},
        )


@register
class CarrierExceptionDetector(TransferDetector):
    """The carrier reports an exception on a delivery (tracking reference marker), or the delivery
    was pushed past the date promised to the customer."""

    code = "carrier_exception"
    label = _("Carrier exception")
    codes = ("outgoing",)

    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        reference = (picking["carrier_tracking_ref"] or "").upper()
        markers = [m.upper() for m in rules.settings.carrier_exception_markers or []]
        marked = any(reference.startswith(marker) for marker in markers if marker)
        promised = (order or {}).get("commitment_date")
        scheduled = picking["scheduled_date"]
        slipped = bool(promised and scheduled and scheduled > promised + timedelta(minutes=1))
        if not (marked or slipped):
            return None
        carrier = picking["carrier_name"] or "Carrier"
        if slipped:
            title = (
                f"{carrier} delay: {picking['name']} now {local_time(rules, scheduled)}, "
                f"promised {local_time(rules, promised)}"
            )
        else:
            title = f"{carrier} exception on {picking['name']} ({picking['carrier_tracking_ref']})"
        return Hit(
            severity=Severity.HIGH if slipped else Severity.MEDIUM,
            title=title,
            detail={"tracking_ref": picking["carrier_tracking_ref"], "promised": promised and promised.isoformat()},
            # (slipped implies promised; the check tells mypy)
            minutes_to_cutoff=minutes_between(promised, now) if slipped and promised else None,
        )
