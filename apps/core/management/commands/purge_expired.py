from django.core.management.base import BaseCommand, CommandError

from apps.core.retention import RETENTION_KINDS
from apps.core.retention.services import retention_purge


class Command(BaseCommand):
    help = (
        "Deletes finished records past their retention period (RETENTION_*_DAYS), in short batches, as the "
        "hourly job does; --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be removed, remove nothing")
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            help=f"only this kind (repeatable): {', '.join(RETENTION_KINDS.names())}",
        )
        parser.add_argument("--max-rows", type=int, default=None, help="rows per kind this run (default: the setting)")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        try:
            reports = retention_purge(kinds=options["kinds"], dry_run=dry_run, max_rows=options["max_rows"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would remove" if dry_run else "removed"
        for report in reports:
            if report.error:
                self.stdout.write(self.style.ERROR(f"{report.kind}: failed: {report.error}"))
                continue
            if report.cutoff is None:
                self.stdout.write(f"{report.kind}: kept forever (period 0)")
                continue
            line = f"{report.kind}: {verb} {report.removed:,} (older than {report.period_days} days"
            line += f", finished before {report.cutoff:%Y-%m-%d %H:%M} UTC)"
            if report.children_removed:
                line += " with " + ", ".join(f"{n:,} {label}" for label, n in sorted(report.children_removed.items()))
            if report.kept:
                line += f"; {report.kept:,} kept because a live record refers to them"
            if report.waiting and not dry_run:
                line += f"; {report.waiting:,} still past their period (next run)"
            self.stdout.write(line)
        if any(report.error for report in reports):
            raise SystemExit(1)
