"""Restore Control Tower's database from a dump taken mid-scenario: after_restore pauses the outbox
and lists what Odoo shows, a person resumes it, and nothing reaches Odoo twice.

PostgreSQL only: the test takes a real ``pg_dump -Fc`` and restores it with ``pg_restore`` into a fresh
database (the runbook in docs/operations.md, followed by a machine).
"""

import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestType
from apps.approvals.services.decisions import request_approve
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.writeback.models import OutboxEntry
from apps.writeback.pause import outbox_pause_state
from apps.writeback.services import outbox_run_due
from tests.databases import create_database, drop_database, is_postgres, pg_env, using_database
from tests.writeback import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not is_postgres(), reason="pg_dump / pg_restore need PostgreSQL (CI's production path)"),
]
Status = OutboxEntry.Status


def approve_release(sites, approver, picking: int) -> OutboxEntry:
    """A supervisor's release over the credit limit, approved by finance: its outbox entry is queued."""
    draft = RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE,
        site=sites["BRU"],
        odoo_model="stock.picking",
        odoo_id=picking,
        title=f"Release delivery {picking}",
        dedupe_key=f"restore-test:{picking}",
        facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
        context={"picking": {"name": f"BRU/OUT/{picking}", "state": "assigned"}},
        effect={
            "operation": "release_delivery",
            "odoo_model": "stock.picking",
            "odoo_id": picking,
            "arguments": {"ship_now": True},
            "preconditions": {"state_in": ["confirmed", "assigned", "waiting"]},
            "summary": "Ship now",
        },
        raised_by_rule="test",
    )
    request = request_approve(request=request_raise(draft=draft), user=approver, shown={"screen": "test"})
    return OutboxEntry.objects.get(pk=request.outbox_entry_id)


def writes_on(simulator, picking: int) -> dict[str, int]:
    """Committed write calls Odoo received on the picking, by method."""
    return {
        method: count
        for (model, record, method), count in simulator.sim.writes.items()
        if (model, record) == ("stock.picking", picking)
    }


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    create_database(name)
    yield name
    drop_database(name)


def test_a_restore_mid_scenario_writes_nothing_to_odoo_twice(
    outbox, simulator, sites, approver, admin_user, restored_database, tmp_path, capsys
):
    ensure_default_policies()
    before_backup, in_flight, after_backup = (f.new_delivery(simulator) for _ in range(3))
    applied = outbox.run(approve_release(sites, approver, before_backup))  # decided and written in Odoo
    assert applied.status == Status.DONE, applied.last_error
    waiting = approve_release(sites, approver, in_flight)  # decided, not written yet
    note = outbox.enqueue(
        operation="post_message", odoo_model="stock.picking", odoo_id=in_flight, arguments={"body": "Shipped early"}
    )

    dump = tmp_path / "controltower.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "-f", str(dump), connection.settings_dict["NAME"]], env=pg_env(), check=True, timeout=120
    )

    # The day goes on after the backup: the waiting entries are written, a new decision is taken.
    assert outbox.run(waiting).status == Status.DONE
    assert outbox.run(note).status == Status.DONE
    late = outbox.run(approve_release(sites, approver, after_backup))
    assert late.status == Status.DONE
    written = {picking: writes_on(simulator, picking) for picking in (before_backup, in_flight, after_backup)}
    assert all(written.values())

    # The database is lost and restored from the dump into a fresh database.
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored_database, str(dump)],
        env=pg_env(),
        check=True,
        timeout=300,
    )
    with using_database(restored_database):
        assert OutboxEntry.objects.get(pk=waiting.pk).status == Status.PENDING  # as the backup had it
        assert not ApprovalRequest.objects.filter(odoo_id=after_backup).exists()  # taken after the backup

        call_command("after_restore", "--by", admin_user.username)
        report = capsys.readouterr().out
        assert outbox_pause_state().paused
        assert outbox_run_due() == {}  # paused: a sweep sends nothing
        assert f"outbox:{waiting.pk} release_delivery" in report and f"outbox:{note.pk} post_message" in report
        assert report.count("already in Odoo (written after the backup)") == 2
        assert "that Odoo does not show: 0" in report  # the entry done before the backup is in Odoo

        call_command("after_restore", "--resume", "--by", admin_user.username, "--note", "two entries, both in Odoo")
        outbox.drain()

        assert OutboxEntry.objects.get(pk=waiting.pk).status == Status.SKIPPED
        assert OutboxEntry.objects.get(pk=note.pk).status == Status.SKIPPED
        assert not outbox_pause_state().paused

    # Odoo saw each write exactly as often as before the restore: nothing twice.
    assert {picking: writes_on(simulator, picking) for picking in written} == written
    messages = simulator.call(
        "mail.message", "search_count", [["res_id", "=", in_flight], ["body", "ilike", "Shipped early"]]
    )
    assert messages == 1
