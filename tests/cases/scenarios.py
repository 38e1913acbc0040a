"""One scenario per detector: put a record into the condition, take it out, bring it back, make a
record that is not in the condition, and a per-site setting under which the condition does not
count. The detector tests run every scenario through the same checks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.cases.models import CaseSettings, PickFailureReport
from apps.docks.models import Appointment, DockDoor
from apps.mirror.models import Move, Partner, Picking, Quant
from apps.sites.models import Site
from tests.cases import factories as f


class Scenario:
    code = ""

    def __init__(self, world: dict, site: str = "BRU") -> None:
        self.world = world
        self.site = world[site]

    def make(self) -> list[int]:
        """Create a record in the condition; return the detector's subject ids."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        raise NotImplementedError

    def absent(self) -> list[int]:
        raise NotImplementedError

    def relax(self, settings: CaseSettings) -> None:
        """Change the site's settings so the same record no longer counts."""
        raise NotImplementedError


class PickingScenario(Scenario):
    kind = "outgoing"
    condition: dict = {}
    cleared: dict = {}
    harmless: dict = {}

    def make(self):
        self.picking = f.make_picking(self.site, self.kind, **self.values(self.condition))
        return [self.picking.odoo_id]

    def values(self, spec: dict) -> dict:
        return {key: value() if callable(value) else value for key, value in spec.items()}

    def clear(self):
        Picking.objects.filter(pk=self.picking.pk).update(**self.values(self.cleared))

    def restore(self):
        Picking.objects.filter(pk=self.picking.pk).update(**self.values(self.condition))

    def absent(self):
        return [f.make_picking(self.site, self.kind, **self.values({**self.condition, **self.harmless})).odoo_id]


class LateReceiptScenario(PickingScenario):
    code = "late_receipt"
    kind = "incoming"
    condition = {"state": "assigned", "scheduled_date": lambda: f.at(hours=-2)}
    cleared = {"state": "done"}
    harmless = {"scheduled_date": lambda: f.at(hours=2)}

    def relax(self, settings):
        settings.late_receipt_grace_min = 180


class LateTransferScenario(PickingScenario):
    code = "picking_late"
    condition = {"state": "confirmed", "scheduled_date": lambda: f.at(hours=-1)}
    cleared = {"state": "done"}
    harmless = {"scheduled_date": lambda: f.at(minutes=-5)}  # inside the 15-minute grace

    def relax(self, settings):
        settings.picking_late_grace_min = 120


class OutboundNearCutoffScenario(PickingScenario):
    code = "outbound_near_cutoff"
    condition = {"state": "confirmed", "scheduled_date": lambda: f.at(minutes=45)}
    cleared = {"state": "assigned"}  # stock reserved: ready
    harmless = {"scheduled_date": lambda: f.at(hours=72)}

    def relax(self, settings):
        settings.route_cutoff = settings.route_cutoff.replace(hour=23, minute=59)
        settings.cutoff_warning_min = 10


class AgingTransferScenario(PickingScenario):
    code = "aging_transfer"
    kind = "internal"
    condition = {"state": "confirmed", "odoo_create_date": lambda: f.at(hours=-50)}
    cleared = {"state": "assigned"}
    harmless = {"odoo_create_date": lambda: f.at(hours=-2)}

    def relax(self, settings):
        settings.aging_transfer_hours = 72


class UnassignedTaskScenario(PickingScenario):
    code = "unassigned_task"
    condition = {"state": "assigned", "responsible_odoo_id": None, "scheduled_date": lambda: f.at(minutes=20)}
    cleared = {"responsible_odoo_id": 6, "responsible_name": "Marc Demo"}
    harmless = {"scheduled_date": lambda: f.at(hours=3)}

    def relax(self, settings):
        settings.unassigned_start_min = 10


class CarrierExceptionScenario(PickingScenario):
    code = "carrier_exception"
    condition = {"state": "assigned", "carrier_name": "DHL Express", "carrier_tracking_ref": "DELAY-12345"}
    cleared = {"carrier_tracking_ref": "1Z9990001"}
    harmless = {"carrier_tracking_ref": ""}

    def relax(self, settings):
        settings.carrier_exception_markers = ["EXCEPTION"]


class ForwardShortageScenario(Scenario):
    code = "forward_shortage"

    def make(self):
        product = f.make_product()
        self.point = f.make_orderpoint(self.site, product, minimum=20)
        self.quant = f.make_quant(self.site.forward, product, 5)
        return [self.point.odoo_id]

    def clear(self):
        Quant.objects.filter(pk=self.quant.pk).update(quantity=30)

    def restore(self):
        Quant.objects.filter(pk=self.quant.pk).update(quantity=4)

    def absent(self):
        product = f.make_product()
        point = f.make_orderpoint(self.site, product, minimum=20)
        f.make_quant(self.site.forward, product, 25)
        return [point.odoo_id]

    def relax(self, settings):
        settings.disabled_detectors = ["forward_shortage"]


class InventoryVarianceScenario(Scenario):
    code = "inventory_variance"

    def make(self):
        self.product = f.make_product()
        self.inventory = f.inventory_location()
        self.quant = f.make_quant(self.site.stock, self.product, 20)  # a count found 20 of 40
        self._count(-20, hours_ago=2)
        return [self.quant.odoo_id]

    def _count(self, change: float, hours_ago: float = 0, quant: Quant | None = None) -> Move:
        quant = quant or self.quant
        source, dest = (
            (self.inventory.odoo_id, quant.location_id) if change > 0 else (quant.location_id, self.inventory.odoo_id)
        )
        return f.make_move(
            None,
            self.product,
            state="done",
            product_uom_qty=abs(change),
            quantity=abs(change),
            location_id=source,
            location_dest_id=dest,
            date=timezone.now() - timedelta(hours=hours_ago),
        )

    def clear(self):
        # A recount finds one more: the latest count is within the threshold.
        Quant.objects.filter(pk=self.quant.pk).update(quantity=21)
        self._count(+1, hours_ago=1)

    def restore(self):
        Quant.objects.filter(pk=self.quant.pk).update(quantity=60)
        self._count(+39)

    def absent(self):
        self.product = f.make_product()
        self.inventory = f.inventory_location()
        quant = f.make_quant(self.site.stock, self.product, 38)
        self._count(-2, quant=quant)
        return [quant.odoo_id]

    def relax(self, settings):
        settings.variance_pct = 60


class RepeatedPickFailureScenario(Scenario):
    code = "pick_failure"

    def _report(self, hours_ago: float = 0) -> None:
        PickFailureReport.objects.create(
            location_odoo_id=self.site.stock.odoo_id,
            reason="location empty",
            reported_at=timezone.now() - timedelta(hours=hours_ago),
        )

    def make(self):
        self._report(1)
        self._report(0)
        return [self.site.stock.odoo_id]

    def clear(self):
        PickFailureReport.objects.update(reported_at=timezone.now() - timedelta(hours=10))

    def restore(self):
        self._report(0.5)
        self._report(0)

    def absent(self):
        PickFailureReport.objects.create(
            location_odoo_id=self.site.forward.odoo_id, reason="damaged", reported_at=timezone.now()
        )
        return [self.site.forward.odoo_id]

    def relax(self, settings):
        settings.pick_failure_count = 3


class BlockedShipmentScenario(Scenario):
    code = "blocked_shipment"

    def make(self):
        self.partner = f.make_partner(credit_limit=1000)
        order = f.make_order(self.site, self.partner, amount_total=1500)
        f.make_picking(self.site, "outgoing", sale_order_id=order.odoo_id, partner_id=self.partner.odoo_id)
        return [self.partner.odoo_id]

    def clear(self):
        Partner.objects.filter(pk=self.partner.pk).update(credit_limit=5000)

    def restore(self):
        Partner.objects.filter(pk=self.partner.pk).update(credit_limit=1000)

    def absent(self):
        partner = f.make_partner(name="Atlas Supplies 002", credit_limit=5000)
        f.make_order(self.site, partner, amount_total=1500)
        return [partner.odoo_id]

    def relax(self, settings):
        settings.disabled_detectors = ["blocked_shipment"]


SCENARIOS = [
    LateReceiptScenario,
    LateTransferScenario,
    OutboundNearCutoffScenario,
    AgingTransferScenario,
    UnassignedTaskScenario,
    CarrierExceptionScenario,
    ForwardShortageScenario,
    InventoryVarianceScenario,
    RepeatedPickFailureScenario,
    BlockedShipmentScenario,
]


# --- dock exceptions: facts the docks app reports (apps/docks/exceptions.py) ------------------
class DockScenario(Scenario):
    """An appointment at the site's dock, judged by one of the dock's exception kinds. The dock's
    grace periods are its own (DockRules); the exception settings can switch a kind off."""

    def door(self):
        site = Site.objects.get(code=self.site.warehouse.code)
        door, _ = DockDoor.objects.get_or_create(site=site, name="S1", defaults={"direction": "both"})
        return door

    def appointment(self, start_in: timedelta, minutes: int = 60, **fields):
        door = self.door()
        start = timezone.now() + start_in
        return Appointment.objects.create(
            site=door.site, door=door, carrier="Rhenus", reference=f"TR-{f.next_id()}",
            planned_start=start, planned_end=start + timedelta(minutes=minutes), **fields,
        )  # fmt: skip

    def set(self, **fields):
        Appointment.objects.filter(pk=self.subject.pk).update(**fields)

    def relax(self, settings):
        settings.disabled_detectors = [self.code]


class DockLateArrivalScenario(DockScenario):
    code = "dock_late_arrival"

    def make(self):
        self.subject = self.appointment(timedelta(minutes=-40))
        return [self.subject.pk]

    def clear(self):
        self.set(status="arrived", arrived_at=timezone.now())

    def restore(self):
        self.set(status="planned", arrived_at=None)

    def absent(self):
        return [self.appointment(timedelta(minutes=-5)).pk]  # inside the default 15-minute grace


class DockNoShowScenario(DockScenario):
    code = "dock_no_show"

    def make(self):
        self.subject = self.appointment(timedelta(hours=-2), status="no_show")
        return [self.subject.pk]

    def clear(self):
        self.set(status="arrived", arrived_at=timezone.now())  # turned up after all

    def restore(self):
        self.set(status="no_show", arrived_at=None)

    def absent(self):
        return [self.appointment(timedelta(hours=-2), status="cancelled").pk]


class DockDoorOverrunScenario(DockScenario):
    code = "dock_door_overrun"

    def make(self):
        self.subject = self.appointment(timedelta(hours=-2), status="at_door")
        return [self.subject.pk]

    def clear(self):
        self.set(status="done", off_door_at=timezone.now())

    def restore(self):
        self.set(status="at_door", off_door_at=None)

    def absent(self):
        return [self.appointment(timedelta(minutes=-30), status="at_door").pk]  # its hour is not up


class DockDoorConflictScenario(DockScenario):
    code = "dock_door_conflict"

    def make(self):
        self.appointment(timedelta(hours=3))
        self.subject = self.appointment(timedelta(hours=3, minutes=30))  # the later of a double booking
        return [self.subject.pk]

    def clear(self):
        self.moved(timedelta(hours=4))

    def restore(self):
        self.moved(timedelta(hours=3, minutes=30))

    def moved(self, start_in):
        start = timezone.now() + start_in
        self.set(planned_start=start, planned_end=start + timedelta(hours=1))

    def absent(self):
        return [self.appointment(timedelta(hours=8)).pk]


SCENARIOS += [DockLateArrivalScenario, DockNoShowScenario, DockDoorOverrunScenario, DockDoorConflictScenario]
