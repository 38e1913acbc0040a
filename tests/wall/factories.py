"""Mirror rows for wall tests: a site's warehouse, its delivery type, and deliveries due soon."""

from datetime import timedelta

from django.utils import timezone

from apps.mirror.models import Partner, Picking, PickingType, Warehouse

_next_id = iter(range(1000, 10**6))


def warehouse_for(site_code: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=site_code).first()
    if warehouse:
        return warehouse
    warehouse = Warehouse.objects.create(
        odoo_id=next(_next_id), code=site_code, name=site_code, synced_at=timezone.now()
    )
    PickingType.objects.create(
        odoo_id=next(_next_id), name="Delivery Orders", code="outgoing", warehouse_id=warehouse.odoo_id,
        synced_at=timezone.now(),
    )  # fmt: skip
    return warehouse


def delivery(
    site_code: str, *, due_in_minutes: int, state: str = "confirmed", customer: str = "Acme Retail"
) -> Picking:
    warehouse = warehouse_for(site_code)
    picking_type = PickingType.objects.get(warehouse_id=warehouse.odoo_id, code="outgoing")
    partner = Partner.objects.create(odoo_id=next(_next_id), name=customer, synced_at=timezone.now())
    number = next(_next_id)
    return Picking.objects.create(
        odoo_id=number, name=f"{site_code}/OUT/{number:05d}", state=state, picking_type_id=picking_type.odoo_id,
        picking_type_code="outgoing", partner_id=partner.odoo_id, synced_at=timezone.now(),
        scheduled_date=timezone.now() + timedelta(minutes=due_in_minutes),
    )  # fmt: skip
