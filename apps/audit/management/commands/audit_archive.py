from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.archive import DELETE_BATCH, ArchiveError, audit_archive


def _day(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise CommandError(f"--before {value!r}: give a date as YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Exports the audit entries written before a date (00:00 UTC) to a gzip JSON-lines file, then removes "
        "them in batches, keeping the chain's anchor so audit_verify still passes; check the file later with "
        "audit_verify --archive FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD: entries written before this day (UTC)")
        parser.add_argument(
            "--out", required=True, type=Path, help="the archive file to write, e.g. audit-2025.jsonl.gz"
        )
        parser.add_argument("--batch-size", type=int, default=DELETE_BATCH, help="entries removed per transaction")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            result = audit_archive(before=_day(options["before"]), out=options["out"], batch_size=options["batch_size"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if result.finished_earlier:
            self.stdout.write(f"finished an interrupted archive first: {result.finished_earlier:,} entries removed")
        archive = result.archive
        if archive is None:
            self.stdout.write(self.style.SUCCESS("no further entries before that day: nothing more to archive"))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"archived {result.entries:,} audit entries ({archive.first_id}–{archive.last_id}) to {options['out']} "
                f"and removed them in {result.batches} batch(es); sha256 {archive.file_sha256}"
            )
        )
        self.stdout.write("Keep the file with your backups; audit_verify --archive FILE checks it against its anchor.")
