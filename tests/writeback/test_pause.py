"""The outbox's pause switch: nothing reaches Odoo while paused, a person resumes it, both audited,
and the integration health page says so plainly."""

import pytest
from django.core.management import call_command

from apps.audit.models import AuditEntry
from apps.writeback.models import OutboxEntry
from apps.writeback.pause import outbox_pause, outbox_pause_state, outbox_resume
from apps.writeback.recovery import outbox_recover
from apps.writeback.services import outbox_run_due, outbox_sweep
from tests.writeback import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEntry.Status


def note(outbox, picking_id: int, body: str) -> OutboxEntry:
    return outbox.enqueue(
        operation="post_message", odoo_model="stock.picking", odoo_id=picking_id, arguments={"body": body}
    )


def test_a_paused_outbox_writes_nothing_until_a_person_resumes_it(outbox, simulator, admin_user):
    picking = f.new_delivery(simulator)
    outbox_pause(reason="Restoring last night's backup", actor=admin_user)
    entry = note(outbox, picking, "Held back")

    assert outbox.run(entry).status == Status.PENDING  # a dispatched task finds nothing to claim
    assert outbox_sweep() == [] and outbox_run_due() == {}
    assert outbox_recover(probe=lambda: True) == []
    assert simulator.writes("stock.picking", picking, "message_post") == 0

    outbox_resume(actor=admin_user, note="checked the list")
    outbox_run_due()

    assert OutboxEntry.objects.get(pk=entry.pk).status == Status.DONE
    assert simulator.writes("stock.picking", picking, "message_post") == 1
    paused, resumed = AuditEntry.objects.filter(action__in=["outbox.paused", "outbox.resumed"]).order_by("id")
    assert (paused.action, paused.actor, paused.data["reason"]) == (
        "outbox.paused",
        admin_user,
        "Restoring last night's backup",
    )
    assert (resumed.action, resumed.actor, resumed.data["note"]) == ("outbox.resumed", admin_user, "checked the list")


def test_pausing_twice_keeps_the_first_reason_and_records_it_once(admin_user):
    outbox_pause(reason="first", actor=admin_user)
    outbox_pause(reason="second", actor=admin_user)
    assert outbox_pause_state().reason == "first"
    assert AuditEntry.objects.filter(action="outbox.paused").count() == 1
    with pytest.raises(ValueError, match="Say why"):
        outbox_resume(actor=admin_user) and outbox_pause(reason="  ", actor=admin_user)


def test_the_health_page_says_plainly_that_write_back_is_paused(client, manager, admin_user):
    outbox_pause(reason="Database restored from last night.", operator="operator root")
    client.force_login(manager)
    page = client.get("/health/integration/").content.decode()
    assert "Write-back to Odoo is paused." in page and "Database restored from last night." in page
    assert "Paused by operator root" in page
    assert "Resume write-back" not in page  # the button is for admins
    assert client.post("/health/integration/outbox/resume/").status_code == 403
    assert outbox_pause_state().paused

    client.force_login(admin_user)
    assert "Resume write-back" in client.get("/health/integration/").content.decode()
    response = client.post("/health/integration/outbox/resume/", {"note": "listed entries checked"})
    assert response.status_code == 302
    assert not outbox_pause_state().paused
    resumed = AuditEntry.objects.get(action="outbox.resumed")
    assert resumed.actor == admin_user and resumed.data["note"] == "listed entries checked"
    page = client.get("/health/integration/").content.decode()
    assert "Write-back to Odoo is paused." not in page and "Pause write-back" in page


def test_an_admin_pauses_from_the_health_page_with_a_reason(client, admin_user):
    client.force_login(admin_user)
    assert client.post("/health/integration/outbox/pause/", {"reason": " "}).status_code == 302
    assert not outbox_pause_state().paused  # no reason, no pause
    client.post("/health/integration/outbox/pause/", {"reason": "Odoo upgrade tonight"})
    state = outbox_pause_state()
    assert state.paused and state.reason == "Odoo upgrade tonight" and state.changed_by == admin_user.username


def test_after_restore_pauses_lists_entries_by_what_odoo_shows_and_resumes_on_request(
    outbox, simulator, admin_user, capsys
):
    shown_picking, waiting_picking = f.new_delivery(simulator), f.new_delivery(simulator)
    written = note(outbox, shown_picking, "Written after the backup")
    outbox.run(written)
    # As the restored database has it: the entry was still pending when the backup was taken.
    OutboxEntry.objects.filter(pk=written.pk).update(status=Status.PENDING, finished_at=None)
    waiting = note(outbox, waiting_picking, "Never reached Odoo")

    call_command("after_restore", "--by", admin_user.username)
    out = capsys.readouterr().out

    assert outbox_pause_state().paused
    assert f"outbox:{written.pk} post_message" in out and "already in Odoo" in out
    assert f"outbox:{waiting.pk} post_message" in out and "not in Odoo: on resume it is written" in out
    assert "stock.picking" in out  # the mirror comparison
    assert AuditEntry.objects.get(action="outbox.paused").actor == admin_user

    call_command("after_restore", "--resume", "--note", "both checked")
    outbox_run_due()
    assert "Outbox resumed by operator" in capsys.readouterr().out
    assert OutboxEntry.objects.get(pk=written.pk).status == Status.SKIPPED
    assert OutboxEntry.objects.get(pk=waiting.pk).status == Status.DONE
    assert simulator.writes("stock.picking", shown_picking, "message_post") == 1
    assert simulator.writes("stock.picking", waiting_picking, "message_post") == 1
