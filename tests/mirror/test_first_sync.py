"""The first sync against an Odoo with a year of history builds the mirror without raising decisions
about the past, and leaves a record of what it did (rows per model, decisions skipped)."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestType
from apps.mirror.models import Location, Move, SyncRun
from apps.mirror.selectors import sync_run_latest
from apps.mirror.services.sync import sync_pass
from apps.mirror.specs import SYNC_ORDER
from apps.odoosim.server import start_simulator

pytestmark = pytest.mark.django_db(transaction=True)
INVENTORY = {"context": {"inventory_mode": True}}
YEAR = 365


@pytest.fixture(scope="module")
def simulator():
    """An Odoo in use for a year: one inventory count applied a day, all in the past."""
    with start_simulator(port=0, seed=7, inventory_history_days=YEAR) as sim:
        yield sim


@pytest.fixture
def connected(odoo, sites):
    ensure_default_policies()


def inventory_moves() -> int:
    inventory = Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True)
    return (
        Move.objects.filter(location_id__in=inventory).count()
        + Move.objects.filter(location_dest_id__in=inventory).count()
    )


def moves_last() -> list[str]:
    """The order in which the flood showed against a real Odoo: the quants (and their products) are in
    the mirror when the year of inventory moves arrives (separate passes per model, webhooks), so every
    past count is judged."""
    return [model for model in SYNC_ORDER if model != "stock.move"] + ["stock.move"]


def test_first_sync_of_a_year_of_counts_raises_no_approval_request_and_records_what_it_did(
    simulator, connected, client, manager
):
    outcome = sync_pass(models=moves_last())

    assert outcome.ok
    assert inventory_moves() >= YEAR  # the history is in the mirror...
    assert ApprovalRequest.objects.count() == 0  # ...and nobody is asked to decide on it
    run = SyncRun.objects.get()
    assert run.kind == SyncRun.Kind.FIRST and run.status == SyncRun.Status.DONE and run.finished_at
    assert run.decisions_skipped >= YEAR
    moves = run.progress["stock.move"]
    assert moves["rows_done"] == moves["rows_total"] == Move.objects.count() and moves["finished_at"]
    latest = sync_run_latest()
    assert latest["id"] == run.pk and latest["decisions_skipped"] == run.decisions_skipped
    client.force_login(manager)
    page = client.get("/health/integration/").content.decode()
    assert 'id="first-sync"' in page and f"{run.decisions_skipped} decisions skipped" in page

    # the next pass is not a first sync, and a count applied now is a decision again
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    quant = simulator.call("stock.quant", "search_read", [["location_id", "in", [r["odoo_id"] for r in internal]]])
    quant = max((q for q in quant if q["quantity"] > 40), key=lambda q: q["id"])
    simulator.call("stock.quant", "write", [quant["id"]], {"inventory_quantity": quant["quantity"] * 3}, **INVENTORY)
    simulator.call("stock.quant", "action_apply_inventory", [quant["id"]], **INVENTORY)
    assert sync_pass().run is None
    assert ApprovalRequest.objects.filter(request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=quant["id"]).exists()


def test_sync_odoo_prints_each_model_once_when_not_on_a_terminal(simulator, connected):
    out = StringIO()
    call_command("sync_odoo", stdout=out)
    text = out.getvalue()
    assert "\r" not in text
    assert text.count("stock.move ") == 1 and "First sync" in text and "decisions skipped" in text


def test_a_first_sync_that_fails_is_taken_up_again_not_recorded_once_per_pass(simulator, connected, faults):
    faults(error_rate={"search_read": 1.0, "search_count": 1.0}, error_mode="server_error")
    assert not sync_pass(models=["stock.warehouse"]).ok
    assert not sync_pass(models=["stock.warehouse"]).ok
    faults(reset=True)
    assert sync_pass(models=["stock.warehouse"]).ok

    run = SyncRun.objects.get()  # one record of the first sync, however many passes it took
    assert run.status == SyncRun.Status.DONE and not run.error
    assert run.progress["stock.warehouse"]["rows_done"] == run.progress["stock.warehouse"]["rows_total"] > 0
