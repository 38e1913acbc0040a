"""Archiving old audit entries: exported to a file (gzip JSON lines), then removed, the chain's anchor kept.

The audit log is a hash chain (apps.audit.services): each entry's ``previous_hash`` is the hash of
the one before. Archiving takes a *prefix* of the chain (every entry written before a moment, and
nothing after the first one that was not), writes it to a file, records an anchor
(``AuditArchive``: first and last id, count, the hashes where the prefix starts and ends, the
file's sha256) and only then removes the entries, in short batches. So:

- ``audit_verify`` checks the remaining chain from the anchor's ``end_hash`` instead of the genesis;
- ``audit_verify --archive FILE`` recomputes every line's hash and checks the file starts at the
  anchor's ``start_hash``, links line to line, and ends at its ``end_hash`` after ``entry_count``
  lines: a changed, removed, inserted or cut-off line is reported with its line number.

An interrupted removal (the process stopped between batches) leaves the anchor without
``completed_at``; the next ``audit_archive`` finishes it first, and ``audit_verify`` meanwhile
says so rather than failing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AuditArchive, AuditEntry
from apps.audit.services import audit_record, chain_anchor, entry_digest

logger = logging.getLogger(__name__)

DELETE_BATCH = 1000  # entries per short delete transaction
FIELDS = ("id", "at", "actor_id", "actor_label", "action", "subject", "site_code", "policy_version", "data")


class ArchiveError(Exception):
    """Archiving refused: nothing was removed. The message says why and what to do."""


@dataclass
class ArchiveResult:
    archive: AuditArchive | None  # None: only an interrupted earlier archive was finished
    entries: int
    batches: int
    finished_earlier: int  # entries of an interrupted earlier archive removed first


def audit_archive(
    *, before: datetime, out: Path, batch_size: int = DELETE_BATCH, now: datetime | None = None
) -> ArchiveResult:
    """Export the entries written before ``before`` to ``out`` and remove them, keeping the anchor.

    Refuses (ArchiveError, nothing removed) when ``before`` is in the future, ``out`` exists, there
    is nothing to archive, or the part to archive does not verify (archiving would hide tampering).
    """
    now = now or timezone.now()
    if before > now:
        raise ArchiveError(
            f"--before {before:%Y-%m-%d} is in the future: only entries already written can be archived."
        )
    if out.exists():
        raise ArchiveError(f"{out} exists already: choose a new file name (an archive is never overwritten).")
    finished_earlier = _finish_interrupted(batch_size)
    boundary = AuditEntry.objects.filter(at__gte=before).order_by("id").values_list("id", flat=True).first()
    prefix = AuditEntry.objects.order_by("id")
    if boundary is not None:
        prefix = prefix.filter(id__lt=boundary)
    start_hash = chain_anchor()
    partial = out.with_name(out.name + ".partial")
    try:
        count, first_id, last_id, end_hash = _export(prefix, start_hash, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if count == 0:
        partial.unlink(missing_ok=True)
        if finished_earlier:
            return ArchiveResult(archive=None, entries=0, batches=0, finished_earlier=finished_earlier)
        raise ArchiveError(f"No audit entries were written before {before:%Y-%m-%d %H:%M} UTC: nothing to archive.")
    os.replace(partial, out)
    archive = AuditArchive.objects.create(
        created_at=now,
        before=before,
        first_id=first_id,
        last_id=last_id,
        entry_count=count,
        start_hash=start_hash,
        end_hash=end_hash,
        file_name=str(out),
        file_sha256=_sha256(out),
    )
    batches = _remove_through(archive, batch_size)
    _complete(archive, now=now)
    logger.info(
        "audit entries archived",
        extra={"entries": count, "first_id": first_id, "last_id": last_id, "batches": batches, "file": str(out)},
    )
    return ArchiveResult(archive=archive, entries=count, batches=batches, finished_earlier=finished_earlier)


def _export(prefix: Any, start_hash: str, path: Path) -> tuple[int, int, int, str]:
    """Write the prefix as gzip JSON lines, checking each entry's link and hash on the way."""
    previous = start_hash
    count, first_id, last_id = 0, 0, 0
    with open(path, "wb") as raw:
        # mtime=0: the same entries always make the same bytes
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
            for entry in prefix.iterator(chunk_size=2000):
                if entry.previous_hash != previous:
                    raise ArchiveError(
                        f"Audit entry {entry.pk} does not follow the one before it: the log is broken there. "
                        "Nothing was archived; run audit_verify and investigate first."
                    )
                if entry_digest(entry) != entry.entry_hash:
                    raise ArchiveError(
                        f"Audit entry {entry.pk} was changed after it was written. "
                        "Nothing was archived; run audit_verify and investigate first."
                    )
                packed.write(_line(entry))
                previous = entry.entry_hash
                count += 1
                first_id = first_id or entry.pk
                last_id = entry.pk
        raw.flush()
        os.fsync(raw.fileno())
    return count, first_id, last_id, previous


def _line(entry: AuditEntry) -> bytes:
    row = {
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "subject": entry.subject,
        "site_code": entry.site_code,
        "policy_version": entry.policy_version,
        "data": entry.data,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }
    return (json.dumps(row, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":")) + "\n").encode()


def _remove_through(archive: AuditArchive, batch_size: int) -> int:
    """Delete the archived entries, oldest first, a batch per short transaction; how many batches."""
    batches = 0
    while True:
        with transaction.atomic():
            _allow_delete()
            ids = list(
                AuditEntry.objects.filter(id__lte=archive.last_id)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return batches
            AuditEntry.objects.filter(id__in=ids).delete()
        batches += 1


def _allow_delete() -> None:
    """PostgreSQL's trigger refuses deletes unless this transaction says it archives (migration 0005)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('controltower.audit_archive', 'on', true)")


def _complete(archive: AuditArchive, *, now: datetime) -> None:
    """Mark the anchor complete and record the archiving in the chain itself (who can see it was done)."""
    with transaction.atomic():
        AuditArchive.objects.filter(pk=archive.pk).update(completed_at=now)
        archive.completed_at = now
        audit_record(
            action="audit.archived",
            subject=f"audit_archive:{archive.pk}",
            data={
                "first_id": archive.first_id,
                "last_id": archive.last_id,
                "entries": archive.entry_count,
                "start_hash": archive.start_hash,
                "end_hash": archive.end_hash,
                "file": archive.file_name,
                "file_sha256": archive.file_sha256,
            },
        )


def _finish_interrupted(batch_size: int) -> int:
    """Remove what an interrupted archive left (its file and anchor exist); entries removed."""
    removed = 0
    for archive in AuditArchive.objects.filter(completed_at__isnull=True).order_by("last_id"):
        removed += AuditEntry.objects.filter(id__lte=archive.last_id).count()
        _remove_through(archive, batch_size)
        _complete(archive, now=timezone.now())
    return removed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Verifying an archive file --------------------------------------------------------------------


@dataclass
class ArchiveReport:
    path: str
    entries: int = 0  # lines that verified
    problem: str = ""  # empty: the archive is intact
    line: int | None = None  # the first line that does not verify
    archive: AuditArchive | None = None  # the anchor it was checked against
    same_bytes: bool = False  # the file is byte for byte the one written (sha256)

    @property
    def intact(self) -> bool:
        return not self.problem


def audit_archive_verify(path: Path) -> ArchiveReport:
    """Check an archive file against its anchor: every line's hash, the links, the start, the end, the count."""
    report = ArchiveReport(path=str(path))
    if not path.is_file():
        report.problem = f"{path} is not a file."
        return report
    sha = _sha256(path)
    report.archive = AuditArchive.objects.filter(file_sha256=sha).first()
    report.same_bytes = report.archive is not None
    previous = report.archive.start_hash if report.archive else ""
    last_id: int | None = None
    try:
        with gzip.open(path, "rb") as lines:
            for number, raw in enumerate(lines, start=1):
                row = _row(raw)
                if row is None:
                    return _fail(report, number, f"line {number} is not an archived audit entry (damaged or edited).")
                if report.archive is None:  # the bytes changed: find the anchor by where the file starts
                    report.archive = AuditArchive.objects.filter(first_id=row["id"]).first()
                    if report.archive is None:
                        report.problem = (
                            f"No anchor in this database starts at entry {row['id']}: the file is not an archive of "
                            "this audit log, or its first lines were removed."
                        )
                        return report
                    previous = report.archive.start_hash
                entry = _entry(row)
                if entry.previous_hash != previous:
                    what = (
                        "does not start where its anchor says" if number == 1 else "does not follow the line before it"
                    )
                    return _fail(
                        report,
                        number,
                        f"line {number} (entry {row['id']}) {what}: a line was removed, inserted or reordered.",
                    )
                if entry_digest(entry) != row["entry_hash"]:
                    return _fail(
                        report, number, f"line {number} (entry {row['id']}) was changed after it was archived."
                    )
                previous, last_id = row["entry_hash"], row["id"]
                report.entries += 1
    except (EOFError, OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        return _fail(
            report, report.entries + 1, f"the file is truncated or damaged after line {report.entries} ({exc})."
        )
    archive = report.archive
    if archive is None:
        report.problem = "The file holds no entries."
        return report
    if report.entries == archive.entry_count and last_id == archive.last_id and previous != archive.end_hash:
        report.line = report.entries
        report.problem = (
            f"line {report.entries} (entry {last_id}) is not the entry its anchor ends with: it was changed "
            "(and its hash recomputed)."
        )
    elif report.entries != archive.entry_count or previous != archive.end_hash:
        report.problem = (
            f"the archive ends after {report.entries} entries (at entry {last_id}); its anchor says "
            f"{archive.entry_count} entries ending at entry {archive.last_id}: the file is truncated."
        )
    return report


def _fail(report: ArchiveReport, line: int, problem: str) -> ArchiveReport:
    report.line, report.problem = line, problem
    return report


def _row(raw: bytes) -> dict[str, Any] | None:
    try:
        row = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(row, dict) or not all(name in row for name in (*FIELDS, "previous_hash", "entry_hash")):
        return None
    if not isinstance(row["id"], int) or not isinstance(row["at"], str):
        return None
    return row


def _entry(row: dict[str, Any]) -> AuditEntry:
    """The entry as it was in the database: what entry_digest hashes."""
    try:
        at = datetime.fromisoformat(row["at"])
    except ValueError:
        at = timezone.now()  # unparseable: the hash will not match, which is the report
    return AuditEntry(
        id=row["id"],
        at=at,
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        action=row["action"],
        subject=row["subject"],
        site_code=row["site_code"],
        policy_version=row["policy_version"],
        data=row["data"],
        previous_hash=row["previous_hash"],
    )
