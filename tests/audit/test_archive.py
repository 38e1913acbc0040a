"""Archiving old audit entries: the file holds them, the log keeps its anchor, both verify; tampering shows."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.audit.archive import audit_archive, audit_archive_verify
from apps.audit.models import AuditArchive, AuditEntry
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import audit_record
from tests.audit.test_audit import tamper

pytestmark = pytest.mark.django_db

OLD = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CUT = datetime(2025, 6, 1, tzinfo=UTC)


def history(actor, *, old: int = 7, recent: int = 3) -> None:
    """``old`` entries written before CUT, ``recent`` after (audit_record stamps now: moved back by SQL)."""
    for number in range(old + recent):
        audit_record(
            action="approval.approved",
            subject=f"approval:{number}",
            actor=actor,
            site_code="BRU",
            data={"amount": 100 + number, "shown": ["SO042"], "note": "é ünïcode"},
        )
    entries = list(AuditEntry.objects.order_by("id"))
    # Changing `at` changes the hash: rewrite the chain as it would have been written on those days.
    _rewrite_times(entries[:old], OLD)


def _rewrite_times(entries, start):
    from apps.audit.services import GENESIS, entry_digest

    previous = GENESIS
    everything = list(AuditEntry.objects.order_by("id"))
    moved = {entry.pk for entry in entries}
    for index, entry in enumerate(everything):
        if entry.pk in moved:
            entry.at = start + timedelta(days=index)
        entry.previous_hash = previous
        entry.entry_hash = entry_digest(entry)
        previous = entry.entry_hash
    # unique hashes: move them out of the way first, then write the chain
    tamper(lambda: [AuditEntry.objects.filter(pk=e.pk).update(previous_hash=f"tmp{e.pk}") for e in everything])
    tamper(
        lambda: [
            AuditEntry.objects.filter(pk=e.pk).update(at=e.at, previous_hash=e.previous_hash, entry_hash=e.entry_hash)
            for e in everything
        ]
    )
    assert audit_chain_verify().intact


def lines(path):
    with gzip.open(path, "rt") as handle:
        return handle.read().splitlines()


def rewrite(path, rows):
    with gzip.open(path, "wt") as handle:
        handle.write("".join(row + "\n" for row in rows))


def test_archiving_moves_the_old_entries_to_the_file_and_the_log_still_verifies(supervisor, tmp_path):
    history(supervisor)
    out = tmp_path / "audit-2025.jsonl.gz"

    result = audit_archive(before=CUT, out=out, batch_size=3)

    assert result.entries == 7 and result.batches == 3  # 3 + 3 + 1: short transactions
    assert [json.loads(line)["subject"] for line in lines(out)] == [f"approval:{n}" for n in range(7)]
    remaining = list(AuditEntry.objects.order_by("id").values_list("subject", flat=True))
    assert remaining == ["approval:7", "approval:8", "approval:9", f"audit_archive:{result.archive.pk}"]
    report = audit_chain_verify()
    assert report.intact and report.checked == 4 and report.archived == 7
    assert audit_archive_verify(out).intact
    # the log goes on from there
    audit_record(action="case.resolved", subject="case:1", actor=supervisor)
    assert audit_chain_verify().intact


def test_the_commands_archive_and_verify(supervisor, tmp_path, capsys):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    call_command("audit_archive", "--before", "2025-06-01", "--out", str(out), "--batch-size", "2")
    assert "archived 7 audit entries" in capsys.readouterr().out

    with pytest.raises(SystemExit) as verify:
        call_command("audit_verify")
    assert verify.value.code == 0 and "intact (4 entries, 7 more in archives)" in capsys.readouterr().out

    with pytest.raises(SystemExit) as verify:
        call_command("audit_verify", "--archive", str(out))
    assert verify.value.code == 0 and "archive intact: 7 entries" in capsys.readouterr().out


def test_a_changed_line_is_detected(supervisor, tmp_path, capsys):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    audit_archive(before=CUT, out=out)
    rows = lines(out)
    third = json.loads(rows[2])
    third["data"]["amount"] = 1  # the amount someone approved, made smaller
    rows[2] = json.dumps(third, sort_keys=True, separators=(",", ":"))
    rewrite(out, rows)

    report = audit_archive_verify(out)
    assert not report.intact and report.line == 3 and "changed after it was archived" in report.problem
    with pytest.raises(SystemExit) as verify:
        call_command("audit_verify", "--archive", str(out))
    assert verify.value.code == 1 and "line 3" in capsys.readouterr().out


def test_a_changed_line_with_its_hash_recomputed_is_detected(supervisor, tmp_path):
    from apps.audit.archive import _entry
    from apps.audit.services import entry_digest

    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    audit_archive(before=CUT, out=out)
    rows = lines(out)
    last = json.loads(rows[-1])
    last["actor_label"] = "someone else"
    last["entry_hash"] = entry_digest(_entry(last))  # a careful forger: the line hashes right
    rows[-1] = json.dumps(last, sort_keys=True, separators=(",", ":"))
    rewrite(out, rows)

    report = audit_archive_verify(out)
    assert not report.intact and report.line == 7 and "not the entry its anchor ends with" in report.problem


def test_a_removed_line_is_detected(supervisor, tmp_path):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    audit_archive(before=CUT, out=out)
    rows = lines(out)
    rewrite(out, rows[:3] + rows[4:])

    report = audit_archive_verify(out)
    assert not report.intact and report.line == 4 and "does not follow" in report.problem


def test_a_truncated_archive_is_detected(supervisor, tmp_path):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    audit_archive(before=CUT, out=out)
    rows = lines(out)
    rewrite(out, rows[:-2])  # the last lines gone: every remaining line still links
    report = audit_archive_verify(out)
    assert not report.intact and "truncated" in report.problem and "5 entries" in report.problem

    out.write_bytes(out.read_bytes()[:-20])  # cut mid-stream
    report = audit_archive_verify(out)
    assert not report.intact and "truncated or damaged" in report.problem


def test_a_file_from_elsewhere_has_no_anchor(supervisor, tmp_path):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    audit_archive(before=CUT, out=out)
    rows = lines(out)
    rewrite(out, rows[1:])  # the first line removed
    report = audit_archive_verify(out)
    assert not report.intact and "No anchor" in report.problem


def test_archiving_refuses_a_broken_log_and_removes_nothing(supervisor, tmp_path):
    history(supervisor)
    second = AuditEntry.objects.order_by("id")[1]
    tamper(lambda: AuditEntry.objects.filter(pk=second.pk).update(subject="approval:999"))
    out = tmp_path / "audit.jsonl.gz"
    with pytest.raises(CommandError, match=f"entry {second.pk} was changed"):
        call_command("audit_archive", "--before", "2025-06-01", "--out", str(out))
    assert AuditEntry.objects.count() == 10 and not AuditArchive.objects.exists() and not out.exists()


def test_archiving_refuses_what_it_cannot_do(supervisor, tmp_path):
    history(supervisor)
    out = tmp_path / "audit.jsonl.gz"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_archive", "--before", "June", "--out", str(out))
    with pytest.raises(CommandError, match="in the future"):
        call_command(
            "audit_archive", "--before", (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d"), "--out", str(out)
        )
    with pytest.raises(CommandError, match="nothing to archive"):
        call_command("audit_archive", "--before", "2024-01-01", "--out", str(out))
    out.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("audit_archive", "--before", "2025-06-01", "--out", str(out))
    assert out.read_bytes() == b"keep me" and AuditEntry.objects.count() == 10


def test_a_second_archive_chains_to_the_first(supervisor, tmp_path):
    history(supervisor)
    first = audit_archive(before=datetime(2025, 3, 4, tzinfo=UTC), out=tmp_path / "a.jsonl.gz")
    second = audit_archive(before=CUT, out=tmp_path / "b.jsonl.gz")
    assert first.entries == 3 and second.entries == 4
    assert second.archive.start_hash == first.archive.end_hash
    assert audit_chain_verify().intact
    assert audit_archive_verify(tmp_path / "a.jsonl.gz").intact
    assert audit_archive_verify(tmp_path / "b.jsonl.gz").intact


def test_an_interrupted_removal_is_reported_and_finished_by_the_next_run(supervisor, tmp_path):
    from apps.audit.archive import _export
    from apps.audit.services import GENESIS

    history(supervisor)
    # what audit_archive had done when its process stopped: file and anchor written, one batch removed
    out = tmp_path / "audit.jsonl.gz"
    count, first_id, last_id, end_hash = _export(AuditEntry.objects.filter(at__lt=CUT).order_by("id"), GENESIS, out)
    AuditArchive.objects.create(
        created_at=timezone.now(),
        before=CUT,
        first_id=first_id,
        last_id=last_id,
        entry_count=count,
        start_hash=GENESIS,
        end_hash=end_hash,
        file_name=str(out),
        file_sha256="0" * 64,
    )
    tamper(lambda: AuditEntry.objects.filter(id__lt=first_id + 3).delete())

    report = audit_chain_verify()
    assert report.intact and "interrupted" in report.notes[0]

    result = audit_archive(before=CUT, out=tmp_path / "again.jsonl.gz")
    assert result.finished_earlier == 4 and result.archive is None
    report = audit_chain_verify()
    assert report.intact and not report.notes and report.checked == 4  # three recent + audit.archived
    assert audit_archive_verify(out).intact  # found by where it starts (the bytes are not the anchor's)


def test_removing_the_oldest_entries_without_archiving_is_still_detected(supervisor, tmp_path):
    history(supervisor)
    audit_archive(before=datetime(2025, 3, 4, tzinfo=UTC), out=tmp_path / "a.jsonl.gz")
    oldest = AuditEntry.objects.order_by("id").first()
    tamper(lambda: AuditEntry.objects.filter(pk=oldest.pk).delete())
    report = audit_chain_verify()
    assert not report.intact
