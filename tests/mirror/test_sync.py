"""Incremental sync against the simulator: complete, idempotent, resumable, and exact."""

import time
from datetime import timedelta

import pytest

from apps.live.groups import site_group
from apps.mirror.models import Move, Partner, Picking, Product, SyncState
from apps.mirror.services.reconcile import reconcile_model
from apps.mirror.services.sync import sync_model
from apps.mirror.services.verify import verify_model
from apps.mirror.services.volatile import refresh_volatile
from apps.mirror.specs import SPECS, SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from apps.sites.models import Site
from tests.channels import ChannelListener

pytestmark = pytest.mark.django_db(transaction=True)


def sync_everything():
    return {model: sync_model(model) for model in SYNC_ORDER}


def test_first_sync_copies_every_record_and_verify_finds_no_drift(odoo):
    results = sync_everything()
    assert all(result.ok for result in results.values()), {m: r.error for m, r in results.items()}
    for odoo_model, spec in SPECS.items():
        context = {"active_test": False} if spec.has_active else None
        assert spec.model.objects.count() == odoo.search_count(odoo_model, [], context=context), odoo_model
        assert not verify_model(odoo_model, full=True), odoo_model
    picking = Picking.objects.exclude(picking_type=None).first()
    assert picking.picking_type.name  # relations resolve to mirror rows


def test_second_sync_rewrites_nothing_and_reports_no_change(odoo, change_sets):
    sync_everything()
    before = dict(Picking.objects.values_list("odoo_id", "synced_at"))
    change_sets.clear()
    results = sync_everything()
    assert sum(result.changed for result in results.values()) == 0
    assert change_sets == []
    assert dict(Picking.objects.values_list("odoo_id", "synced_at")) == before


def test_a_change_in_odoo_arrives_with_the_changed_fields(odoo, change_sets):
    sync_model("stock.picking")
    picking = Picking.objects.filter(state__in=["assigned", "confirmed"]).first()
    new_date = picking.scheduled_date + timedelta(days=2)
    odoo.write("stock.picking", [picking.odoo_id], {"scheduled_date": format_datetime(new_date)})
    change_sets.clear()

    result = sync_model("stock.picking")

    assert result.changed == 1
    picking.refresh_from_db()
    assert picking.scheduled_date == new_date.replace(microsecond=0)
    (changes,) = change_sets
    assert changes.updated == {picking.odoo_id: ["scheduled_date", "odoo_write_date"]}


def test_same_second_writes_across_page_boundaries_are_all_synced(odoo, settings):
    settings.ODOO_PAGE_SIZE = 40
    sync_model("product.product")
    ids = odoo.create("product.product", [{"name": f"Same-second widget {n}"} for n in range(130)])
    assert len(ids) == 130
    sync_model("product.product", client=odoo.__class__.from_settings())
    assert Product.objects.filter(odoo_id__in=ids).count() == 130
    assert not verify_model("product.product", full=True)


def test_odoo_down_mid_sync_fails_cleanly_then_the_next_run_catches_up(odoo, faults, settings):
    settings.ODOO_PAGE_SIZE = 20  # the sync reads up to 2 pages ahead: keep them small next to the total
    small_pages = odoo.__class__.from_settings()
    total = odoo.search_count("stock.move", [])
    assert total > 300

    def odoo_goes_down_after_two_pages(model, rows, changed):
        if rows >= 100:
            faults(error_rate={"search_read": 1.0, "read": 1.0}, error_mode="drop")

    result = sync_model("stock.move", client=small_pages, progress=odoo_goes_down_after_two_pages)
    faults(reset=True)

    assert not result.ok
    state = SyncState.objects.get(odoo_model="stock.move")
    assert state.consecutive_failures == 1 and state.last_error == result.error
    assert 100 <= Move.objects.count() < total  # the committed pages stay; nothing half-written

    again = sync_model("stock.move", client=small_pages)
    assert again.ok
    assert Move.objects.count() == total
    assert SyncState.objects.get(odoo_model="stock.move").consecutive_failures == 0
    assert not verify_model("stock.move", full=True)


def test_a_late_commit_with_an_older_write_date_is_caught_by_the_overlap(odoo, simulator):
    sync_model("stock.picking")
    picking = Picking.objects.filter(state="assigned").first()
    simulator.sim.slow_transaction("stock.picking", picking.odoo_id, age_seconds=10)  # within the 30 s overlap
    assert verify_model("stock.picking", full=True)  # the mirror is behind now
    sync_model("stock.picking")
    assert not verify_model("stock.picking", full=True)


def test_archived_records_are_flagged_and_deleted_ones_found_by_reconciliation(odoo):
    sync_everything()
    product = Product.objects.filter(is_archived=False).first()
    odoo.write("product.product", [product.odoo_id], {"active": False})
    sync_model("product.product")
    product.refresh_from_db()
    assert product.is_archived

    draft_id = odoo.create("stock.picking", {"picking_type_id": Picking.objects.first().picking_type_id})
    sync_model("stock.picking")
    assert Picking.objects.filter(odoo_id=draft_id, is_deleted=False).exists()
    odoo.call("stock.picking", "unlink", [draft_id])
    result = reconcile_model("stock.picking")
    assert result.deleted == [draft_id]
    assert Picking.objects.get(odoo_id=draft_id).is_deleted
    assert not verify_model("stock.picking", full=True)


def test_changed_transfers_are_announced_to_their_site(odoo, sites):
    sync_everything()
    warehouse_code = Picking.objects.exclude(picking_type=None).first().picking_type.warehouse.code
    site = sites.get(warehouse_code) or Site.objects.create(code=warehouse_code, name=warehouse_code)
    picking = Picking.objects.filter(picking_type__warehouse__code=site.code, state="assigned").first()
    listener = ChannelListener(site_group(site.code))
    odoo.write("stock.picking", [picking.odoo_id], {"origin": "changed for the screens"})
    sync_model("stock.picking")
    message = listener.receive()["message"]
    assert message["event"] == "picking.changed" and picking.odoo_id in message["data"]["pickings"]


def test_volatile_fields_are_refreshed_on_their_own_and_not_counted_as_drift(odoo, simulator, change_sets):
    sync_model("res.partner")
    partner = Partner.objects.filter(credit_limit__gt=0).first()
    # Odoo's receivable moves with invoices and payments, without touching the partner's write_date.
    simulator.sim.change_without_write_date("res.partner", partner.odoo_id, {"credit": partner.credit + 999.5})
    assert not verify_model("res.partner", full=True)  # not drift: it is refreshed on its own schedule
    change_sets.clear()

    moved = refresh_volatile("res.partner")

    partner.refresh_from_db()
    assert partner.credit == pytest.approx(odoo.read("res.partner", [partner.odoo_id], ["credit"])[0]["credit"])
    assert moved.updated == {partner.odoo_id: ["credit"]}
    assert change_sets[-1].updated == {partner.odoo_id: ["credit"]}


def test_after_a_bulk_write_a_quiet_model_is_read_once_not_again_by_every_pass(odoo, simulator, settings):
    settings.MIRROR_OVERLAP_S = 1
    settings.ODOO_PAGE_SIZE = 100
    client = odoo.__class__.from_settings()
    sync_model("stock.move", client=client)
    ids = [move for move in Move.objects.order_by("odoo_id").values_list("odoo_id", flat=True)[:600]]
    odoo.write("stock.move", ids, {"name": "Bulk renamed"})  # one transaction: one write_date for all
    served = simulator.rows_served("stock.move")

    first = sync_model("stock.move", client=client)
    assert first.changed == len(ids)
    assert simulator.rows_served("stock.move") - served == len(ids)  # each row read once, page ends too

    time.sleep(2.2)  # Odoo's clock passes the bulk write by more than the overlap: it is settled
    served = simulator.rows_served("stock.move")
    quiet = [sync_model("stock.move", client=client) for _ in range(2)]
    assert [result.rows for result in quiet] == [0, 0]
    assert simulator.rows_served("stock.move") - served == 0
    assert not verify_model("stock.move", full=True)
