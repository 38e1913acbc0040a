"""Planning proposals benchmark (issue 18, point 2): the refresh of a site with 40 doors, 1,500
appointments in the day and 300 open receipts and deliveries in the 48-hour horizon (about 150
trucks), as the scheduled job and every sync of pickings run it: the first refresh places every
truck, a repeat changes nothing."""

import random
import time
from datetime import timedelta

from django.utils import timezone

from apps.docks.models import AppointmentProposal
from apps.docks.proposals import proposals_refresh
from apps.mirror.models import Move, Picking, PickingType, Warehouse
from tests.perf.bench_docks import _fill

PICKINGS = 300
CARRIERS = 30


def _mirror(site_code: str) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    Move.objects.filter(odoo_id__gte=8_000_000).delete()
    Picking.objects.filter(odoo_id__gte=800_000).delete()
    Warehouse.objects.update_or_create(odoo_id=800, defaults={"name": "Bench", "code": site_code, "synced_at": now})
    for odoo_id, code in ((801, "incoming"), (802, "outgoing")):
        PickingType.objects.update_or_create(
            odoo_id=odoo_id, defaults={"name": code, "code": code, "warehouse_id": 800, "synced_at": now}
        )
    rng = random.Random(18)  # benchmark data, not security
    pickings, moves = [], []
    for n in range(PICKINGS):
        incoming = n % 2 == 0
        scheduled = now + timedelta(minutes=rng.randrange(0, 48 * 60, 15))
        # pickings of one carrier with the same cutoff (two in three have one) travel on one truck
        cutoff = scheduled.replace(minute=0) + timedelta(hours=2) if n % 3 else None
        pickings.append(
            Picking(
                odoo_id=800_000 + n, name=f"B/{n}", state="assigned", picking_type_id=801 if incoming else 802,
                picking_type_code="incoming" if incoming else "outgoing", carrier_name=f"Carrier {n % CARRIERS}",
                scheduled_date=scheduled, date_deadline=cutoff, synced_at=now,
            )
        )  # fmt: skip
        for line in range(rng.randint(1, 8)):
            moves.append(
                Move(odoo_id=8_000_000 + n * 10 + line, state="assigned", picking_id=800_000 + n,
                     product_uom_qty=rng.randint(1, 40), synced_at=now)
            )  # fmt: skip
    Picking.objects.bulk_create(pickings, batch_size=500)
    Move.objects.bulk_create(moves, batch_size=500)


def run() -> dict:
    site = _fill()
    AppointmentProposal.objects.filter(site=site).delete()
    _mirror(site.code)
    started = time.perf_counter()
    first = proposals_refresh(site=site)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = proposals_refresh(site=site)
    again_s = time.perf_counter() - started
    assert again.created == 0 and again.dropped == 0
    print(
        f"dock proposals: {PICKINGS} pickings → {first.created} proposals ({len(first.unplaced)} without a slot) "
        f"on 40 doors with 1,500 appointments: first refresh {first_s:.2f} s, repeat {again_s:.2f} s"
    )
    return {
        "dock_proposals_refresh_s": {"value": round(first_s, 2), "unit": "s", "goal": 30},
        "dock_proposals_repeat_s": {"value": round(again_s, 2), "unit": "s", "goal": 30},
    }
