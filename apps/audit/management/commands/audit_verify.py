from pathlib import Path

from django.core.management.base import BaseCommand

from apps.audit.archive import audit_archive_verify
from apps.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Checks the audit log's hash chain (from the archive anchor when old entries were archived); exits 0 "
        "when intact, 1 when an entry was altered or removed. With --archive FILE, checks an archive file "
        "written by audit_archive against its anchor instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="an archive file (.jsonl.gz) written by audit_archive")

    def handle(self, *args, **options):
        if options["archive"] is not None:
            self._verify_archive(options["archive"])
        report = audit_chain_verify()
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"note: {note}"))
        archived = f", {report.archived:,} more in archives" if report.archived else ""
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"audit log intact ({report.checked:,} entries{archived})"))
            raise SystemExit(0)
        where = f" at entry {report.broken_at}" if report.broken_at is not None else ""
        self.stdout.write(self.style.ERROR(f"audit log BROKEN{where}: {report.reason}"))
        raise SystemExit(1)

    def _verify_archive(self, path: Path) -> None:
        report = audit_archive_verify(path)
        if report.intact and report.archive is not None:
            anchor = report.archive
            identical = "" if report.same_bytes else " (re-compressed: the bytes differ, every entry verified)"
            self.stdout.write(
                self.style.SUCCESS(
                    f"archive intact: {report.entries:,} entries, {anchor.first_id}–{anchor.last_id}, "
                    f"matching its anchor{identical}"
                )
            )
            raise SystemExit(0)
        self.stdout.write(self.style.ERROR(f"archive {path} does NOT verify: {report.problem}"))
        raise SystemExit(1)
