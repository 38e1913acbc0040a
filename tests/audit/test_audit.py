"""The audit log is append-only and tamper-evident."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditEntry
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import GENESIS, audit_record

pytestmark = pytest.mark.django_db


def tamper(sql_change):
    """Change history the way an attacker with database access would (on PostgreSQL, past the trigger)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # skips triggers (superuser only)
        sql_change()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    else:
        sql_change()


def write_three(actor):
    for number in range(3):
        audit_record(
            action="approval.approved",
            subject=f"approval:{number}",
            actor=actor,
            site_code="BRU",
            policy_version="credit-hold@3",
            data={"amount": 1200.5 + number, "shown": ["SO042"]},
        )


def test_entries_chain_from_genesis_and_verify_intact(supervisor):
    write_three(supervisor)
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].previous_hash == GENESIS
    assert [entry.previous_hash for entry in entries[1:]] == [entry.entry_hash for entry in entries[:-1]]
    assert entries[0].actor_label == supervisor.username
    report = audit_chain_verify()
    assert report.intact and report.checked == 3


def test_a_changed_entry_is_detected(supervisor):
    write_three(supervisor)
    middle = AuditEntry.objects.order_by("id")[1]
    tamper(lambda: AuditEntry.objects.filter(pk=middle.pk).update(data={"amount": 1}))
    report = audit_chain_verify()
    assert report.broken_at == middle.pk and "changed" in report.reason


def test_a_removed_entry_is_detected(supervisor):
    write_three(supervisor)
    middle = AuditEntry.objects.order_by("id")[1]
    tamper(lambda: AuditEntry.objects.filter(pk=middle.pk).delete())
    report = audit_chain_verify()
    assert not report.intact and "removed" in report.reason


def test_audit_verify_command_exit_codes(supervisor):
    write_three(supervisor)
    with pytest.raises(SystemExit) as intact:
        call_command("audit_verify")
    assert intact.value.code == 0
    tamper(lambda: AuditEntry.objects.filter(pk=AuditEntry.objects.first().pk).update(action="approval.rejected"))
    with pytest.raises(SystemExit) as broken:
        call_command("audit_verify")
    assert broken.value.code == 1


def test_system_actions_are_labelled_system():
    entry = audit_record(action="outbox.done", subject="stock.picking:7")
    assert entry.actor is None and entry.actor_label == "system"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_updates_and_deletes(supervisor):
    write_three(supervisor)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(action="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    def write_ten(worker: int) -> None:
        for number in range(10):
            audit_record(action="outbox.done", subject=f"worker:{worker}:{number}")
        connection.close()

    threads = [threading.Thread(target=write_ten, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = audit_chain_verify()
    assert report.intact and report.checked == 40
