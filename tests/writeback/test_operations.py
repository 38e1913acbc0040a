"""Every operation against the simulator: happy path, already done, precondition failed, Odoo down
then back, worker killed after the call, answer lost (timeout), and Odoo refusing the call."""

import time

import pytest

from apps.audit.models import AuditEntry
from apps.odoo.client import get_client
from apps.writeback.executor import _claim, _mark_write_started
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.operations import OPERATIONS
from apps.writeback.operations.stock import INVENTORY_MODE
from apps.writeback.recording import RecordingClient
from apps.writeback.selectors import own_effects
from apps.writeback.services import outbox_run_due
from tests.writeback import factories as f
from tests.writeback.cases import CALL_MODEL, CASES

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEntry.Status
by_name = pytest.mark.parametrize("case", CASES, ids=[case.operation for case in CASES])


def test_every_operation_has_a_case():
    assert sorted(case.operation for case in CASES) == sorted(OPERATIONS)


@by_name
def test_happy_path_writes_once_verifies_and_audits(case, outbox, simulator, attention):
    entry = outbox.enqueue(**case.request(simulator))
    assert case.effect_count(simulator, entry) == 0

    entry = outbox.run(entry)

    assert entry.status == Status.DONE, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    assert entry.attempts == 1 and entry.finished_at is not None
    attempt = entry.attempt_log.get()
    assert attempt.outcome == OutboxAttempt.Outcome.DONE
    assert attempt.calls[0]["method"] == "read"  # re-read before acting
    audit = AuditEntry.objects.get(action="outbox.done", subject=entry.subject)
    assert audit.data["cause"] == {"type": "test", "id": entry.cause_id}
    assert attention == []
    assert outbox.run(entry).attempts == 1  # a second task for a done entry does nothing
    if OPERATIONS[entry.operation].changes_record:  # linked to what it wrote, for the rules to recognise
        assert entry.effects.filter(odoo_model=entry.odoo_model, odoo_id=entry.odoo_id).exists()


@by_name
def test_effect_already_in_odoo_is_skipped_without_a_second_write(case, outbox, simulator):
    entry = outbox.enqueue(**case.request(simulator))
    case.do_directly(simulator, entry)
    before = f.write_date_exact(simulator, case.odoo_model, entry.odoo_id)

    entry = outbox.run(entry)

    assert entry.status == Status.SKIPPED, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    assert f.write_date_exact(simulator, case.odoo_model, entry.odoo_id) == before
    written = [call["method"] for call in entry.attempt_log.get().calls]
    assert case.method not in written
    assert AuditEntry.objects.filter(action="outbox.skipped", subject=entry.subject).count() == 1


@by_name
def test_record_that_moved_on_needs_attention_and_fires_the_hook(case, outbox, simulator, attention):
    entry = outbox.enqueue(**case.request(simulator))
    case.move_on(simulator, entry)

    entry = outbox.run(entry)

    assert entry.status == Status.NEEDS_ATTENTION
    assert case.effect_count(simulator, entry) == 0
    assert entry.odoo_model in entry.last_error or "quantity" in entry.last_error
    assert [received.pk for received in attention] == [entry.pk]
    assert attention[0].status == Status.NEEDS_ATTENTION
    assert AuditEntry.objects.filter(action="outbox.needs_attention", subject=entry.subject).exists()
    outbox.drain()  # not retried by the sweeper
    entry.refresh_from_db()
    assert entry.attempts == 1


@by_name
def test_odoo_down_for_a_while_then_back_writes_once(case, outbox, simulator, faults):
    entry = outbox.enqueue(**case.request(simulator))
    # Down until told otherwise (a short timed outage could end before a loaded machine makes the
    # call); "close" drops every Odoo call but still answers the simulator's control endpoint.
    faults(down_for_seconds=600, down_mode="close")

    entry = outbox.run(entry)

    assert entry.status == Status.PENDING
    assert entry.next_attempt_at > entry.updated_at
    assert "Odoo" in entry.last_error
    faults(reset=True)  # Odoo answers again
    outbox.drain()
    entry.refresh_from_db()
    assert entry.status == Status.DONE, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    assert [a.outcome for a in entry.attempt_log.all()] == ["retry", "done"]


@by_name
def test_worker_killed_after_the_call_is_rerun_and_skipped(case, outbox, simulator, settings):
    entry = outbox.enqueue(**case.request(simulator))
    # A worker claims the entry, makes the Odoo call, and dies before recording anything.
    claimed, _attempt = _claim(entry.pk, entry.next_attempt_at)
    operation = OPERATIONS[entry.operation]
    client = RecordingClient(get_client())
    _mark_write_started(claimed)
    operation.perform(client, claimed, operation.read(client, claimed))
    claimed.refresh_from_db()
    assert claimed.status == Status.RUNNING and case.effect_count(simulator, claimed) == 1
    fingerprint = f.write_date_exact(simulator, case.odoo_model, entry.odoo_id)

    assert outbox_run_due() == {}  # a live claim is left alone
    assert OutboxEntry.objects.get(pk=entry.pk).status == Status.RUNNING
    outbox.drain(start=outbox.past_stale_claims(settings))

    entry.refresh_from_db()
    assert entry.status == Status.SKIPPED, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    assert f.write_date_exact(simulator, case.odoo_model, entry.odoo_id) == fingerprint
    assert [a.outcome for a in entry.attempt_log.all()] == ["lost", "skipped"]
    if OPERATIONS[entry.operation].changes_record:  # the dead worker's write is still ours
        assert entry.effects.filter(odoo_model=entry.odoo_model, odoo_id=entry.odoo_id).exists()


@by_name
def test_answer_lost_after_the_effect_is_not_repeated(case, outbox, simulator, answer_lost):
    entry = outbox.enqueue(**case.request(simulator))
    answer_lost.arm(CALL_MODEL.get(case.operation, case.odoo_model), case.method)

    entry = outbox.run(entry)

    assert entry.status == Status.PENDING
    assert "outcome is unknown" in entry.last_error
    assert answer_lost.hits == 1
    time.sleep(0.35)  # the slow answer's request has committed by now
    answer_lost.heal()
    outbox.drain()
    entry.refresh_from_db()
    assert entry.status == Status.SKIPPED, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    assert [a.outcome for a in entry.attempt_log.all()] == ["retry", "skipped"]


@by_name
def test_odoo_refusing_the_call_needs_attention_with_its_message(case, outbox, simulator, odoo_refuses, attention):
    entry = outbox.enqueue(**case.request(simulator))
    odoo_refuses(CALL_MODEL.get(case.operation, case.odoo_model), case.method, "Blocked by the site's policy XYZ.")

    entry = outbox.run(entry)
    outbox.drain()

    entry.refresh_from_db()
    assert entry.status == Status.NEEDS_ATTENTION
    assert "Blocked by the site's policy XYZ." in entry.last_error
    assert entry.attempts == 1  # not retried
    assert [received.pk for received in attention] == [entry.pk]
    assert case.effect_count(simulator, entry) == 0


def test_an_applied_count_is_linked_to_the_inventory_move_odoo_made_for_it(outbox, simulator):
    case = next(case for case in CASES if case.operation == "apply_inventory_adjustment")
    entry = outbox.run(outbox.enqueue(**case.request(simulator)))
    assert entry.status == Status.DONE, entry.last_error

    newest = simulator.call("stock.move", "search", [["is_inventory", "=", True]], order="id desc", limit=1)
    move = entry.effects.get(odoo_model="stock.move")
    assert move.odoo_id == newest[0] and move.created
    assert own_effects(odoo_model="stock.move", write_dates={newest[0]: None, newest[0] + 1000: None}) == {newest[0]}


def test_a_count_recounted_on_the_floor_right_after_the_apply_still_links_its_move(outbox, simulator, monkeypatch):
    """Someone counts the same quant again between our apply and the outbox reading it back: the
    quant's write_date moves past our inventory move's. The move is still recorded as ours; before,
    the next sync raised it as a count applied in Odoo by someone else, a request with no effect."""
    case = next(case for case in CASES if case.operation == "apply_inventory_adjustment")
    request = case.request(simulator)
    execute = simulator.sim.execute

    def recount_right_after_the_apply(uid, model, method, args, kwargs):
        result = execute(uid, model, method, args, kwargs)
        if (model, method) == ("stock.quant", "action_apply_inventory"):
            simulator.advance(30)
            execute(uid, "stock.quant", "write", [args[0], {"inventory_quantity": 6}], {"context": INVENTORY_MODE})
        return result

    monkeypatch.setattr(simulator.sim, "execute", recount_right_after_the_apply)
    entry = outbox.run(outbox.enqueue(**request))
    assert entry.status == Status.DONE, entry.last_error

    ours = simulator.call("stock.move", "search", [["is_inventory", "=", True]], order="id desc", limit=1)[0]
    quant = simulator.call("stock.quant", "read", [entry.odoo_id], ["write_date"])[0]
    move = simulator.call("stock.move", "read", [ours], ["write_date"])[0]
    assert quant["write_date"] > move["write_date"]  # the recount did move the quant on
    assert entry.effects.get(odoo_model="stock.move").odoo_id == ours
