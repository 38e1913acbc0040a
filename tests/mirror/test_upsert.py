"""The page upsert: a fixed few statements per page, exact values, and the newer state always wins."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.mirror.bulk_sql import write_rows
from apps.mirror.models import Move, Partner, Picking, SyncState
from apps.mirror.services.sync import sync_model
from apps.mirror.services.verify import verify_model
from apps.mirror.specs import spec_for
from apps.mirror.upsert import upsert_rows

pytestmark = pytest.mark.django_db(transaction=True)


def odoo_rows(odoo, odoo_model, limit):
    spec = spec_for(odoo_model)
    return odoo.search_read(odoo_model, [], [*spec.odoo_fields, "write_date"], limit=limit, order="id")


def statements_of(upsert) -> list[str]:
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        upsert()
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    return [statement for statement in statements if statement not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}]


def test_a_page_is_read_with_one_statement_and_written_with_a_fixed_few(odoo):
    rows = odoo_rows(odoo, "stock.move", 400)
    assert len(rows) == 400
    spec = spec_for("stock.move")
    postgresql = connection.vendor == "postgresql"

    # Rows the mirror does not hold yet (a first sync): on PostgreSQL, copied straight in.
    assert statements_of(lambda: upsert_rows(spec, rows[:300])) == ["SELECT", "COPY" if postgresql else "INSERT"]
    # Some already held: copied into a session's staging table, then one statement moves them over.
    changed = [{**row, "origin": "changed"} for row in rows[200:]]
    written = ["CREATE", "COPY", "WITH"] if postgresql else ["INSERT"]
    assert statements_of(lambda: upsert_rows(spec, changed)) == ["SELECT", *written]
    assert Move.objects.count() == 400
    assert Move.objects.filter(origin="changed").count() == 200


def test_a_page_already_mirrored_is_read_and_not_written_again(odoo):
    rows = odoo_rows(odoo, "stock.move", 200)
    upsert_rows(spec_for("stock.move"), rows)
    with CaptureQueriesContext(connection) as queries:
        assert not upsert_rows(spec_for("stock.move"), rows)
    assert [query["sql"].split()[0].upper() for query in queries.captured_queries] == ["SELECT"]


def test_values_round_trip_exactly_including_quotes_accents_and_empties(odoo):
    partner_id = odoo.search("res.partner", [], limit=1)[0]
    odoo.write("res.partner", [partner_id], {"name": 'L\'Épicerie "Chez Zoë" % _ \\ ; --', "email": False})
    sync_model("res.partner")
    partner = Partner.objects.get(odoo_id=partner_id)
    assert partner.name == 'L\'Épicerie "Chez Zoë" % _ \\ ; --'
    assert partner.email == ""
    assert not verify_model("res.partner", full=True)


def test_a_record_marked_deleted_that_comes_back_is_restored_and_reported(odoo):
    rows = odoo_rows(odoo, "stock.move", 3)
    upsert_rows(spec_for("stock.move"), rows)
    Move.objects.filter(odoo_id=rows[0]["id"]).update(is_deleted=True)

    changes = upsert_rows(spec_for("stock.move"), rows)

    assert changes.updated == {rows[0]["id"]: ["is_deleted"]}
    assert not Move.objects.get(odoo_id=rows[0]["id"]).is_deleted


def test_the_write_itself_keeps_a_newer_row_that_landed_after_the_comparison(odoo):
    """Two writers race (a sync page and a webhook refresh): the statement keeps the newer state."""
    spec = spec_for("stock.move")
    (row,) = odoo_rows(odoo, "stock.move", 1)
    upsert_rows(spec, [row])
    stored = Move.objects.get(odoo_id=row["id"])
    newer = stored.odoo_write_date + timedelta(seconds=5)
    Move.objects.filter(pk=stored.pk).update(state="done", odoo_write_date=newer)

    values = spec.convert_values({**row, "state": "cancel"})
    write_rows(spec, [(row["id"], *values, timezone.now(), False)])

    assert Move.objects.get(pk=stored.pk).state == "done"


def test_a_page_of_new_rows_where_one_landed_meanwhile_keeps_the_newer_state_and_writes_the_rest(odoo):
    """A first sync's page goes straight into the mirror; a webhook refresh may have written one of
    its rows after the page was compared: that page then takes the usual, guarded way."""
    spec = spec_for("stock.move")
    first, second = odoo_rows(odoo, "stock.move", 2)
    upsert_rows(spec, [first])
    stored = Move.objects.get(odoo_id=first["id"])
    newer = stored.odoo_write_date + timedelta(seconds=5)
    Move.objects.filter(pk=stored.pk).update(state="done", odoo_write_date=newer)

    page = [
        (row["id"], *spec.convert_values({**row, "state": "cancel"}), timezone.now(), False) for row in (first, second)
    ]
    write_rows(spec, page, all_new=True)

    assert Move.objects.get(odoo_id=first["id"]).state == "done"
    assert Move.objects.get(odoo_id=second["id"]).state == "cancel"


def test_long_free_text_from_odoo_is_mirrored_whole_and_does_not_stop_the_sync(odoo):
    """Odoo's char fields have no length limit: a merged transfer's origin, a long product description."""
    picking_id = odoo.search("stock.picking", [], limit=1)[0]
    origin = ", ".join(f"S{number:05d}" for number in range(120))  # 838 characters
    odoo.write("stock.picking", [picking_id], {"origin": origin})
    partner_id = odoo.search("res.partner", [], limit=1)[0]
    long_name = "Établissements " + " ".join(["Très Long Nom"] * 40)  # 574 characters
    odoo.write("res.partner", [partner_id], {"name": long_name})

    for model in ("stock.picking", "res.partner"):
        assert sync_model(model).ok
        assert not verify_model(model, full=True)
    assert Picking.objects.get(odoo_id=picking_id).origin == origin
    assert Partner.objects.get(odoo_id=partner_id).name == long_name


def test_a_row_odoo_answers_malformed_is_left_out_and_reported_while_the_rest_syncs(
    odoo, simulator, admin_user, client
):
    """A customised Odoo sends a value of the wrong shape: that row is left out, said so, nothing else stops."""
    sync_model("stock.move")
    bad_id, good_id = odoo.search("stock.move", [], limit=2)
    with simulator.sim.store.transaction(at=simulator.sim.clock.now()):
        simulator.sim.store.update("stock.move", [bad_id], {"date_deadline": "next Tuesday-ish"})
    odoo.write("stock.move", [good_id], {"origin": "still flowing"})

    result = sync_model("stock.move")

    assert result.ok and result.rejected == 1
    assert f"stock.move {bad_id}: ValueError" in result.rejected_detail
    assert Move.objects.get(odoo_id=good_id).origin == "still flowing"
    state = SyncState.objects.get(odoo_model="stock.move")
    assert state.last_rejected == 1 and state.consecutive_failures == 0
    client.force_login(admin_user)
    assert "1 row left out" in client.get("/health/integration/").content.decode()
    drift = verify_model("stock.move", full=True)  # the left-out row shows as drift until it is fixed
    assert [line for line in drift.different if line.startswith(f"{bad_id}: Odoo's answer cannot be read")]
