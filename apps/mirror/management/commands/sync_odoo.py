import sys

from django.core.management.base import BaseCommand, CommandError

from apps.mirror.models import SyncRun
from apps.mirror.selectors import sync_run_summary
from apps.mirror.services.sync import sync_pass
from apps.mirror.specs import SPECS

BAR_WIDTH = 24


class Command(BaseCommand):
    help = "Runs one sync pass from Odoo now (all mirrored models, or one), with progress."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=sorted(SPECS), help="only this Odoo model")
        parser.add_argument("--full", action="store_true", help="re-read every record, not only changes")

    def handle(self, *args, model, full, **options):
        # A progress bar redrawn in place on a terminal; in a log or a pipe, one line per model, once.
        self.tty = getattr(self.stdout._out, "isatty", lambda: False)()
        outcome = sync_pass(models=[model] if model else None, full=full, on_progress=self._progress)
        for odoo_model, result in outcome.results.items():
            if result is None:
                self.stdout.write(f"  {odoo_model:<28} skipped: a sync of it is already running")
                continue
            if result.error:
                status = self.style.ERROR(f"FAILED: {result.error}")
            elif result.rejected:
                status = self.style.WARNING(f"ok, {result.rejected} row(s) left out: {result.rejected_detail}")
            else:
                status = self.style.SUCCESS("ok")
            prefix = "\r" if self.tty else ""
            self.stdout.write(
                f"{prefix}  {odoo_model:<28} {result.rows:>9,} rows read  {result.changed:>9,} changed"
                f"  in {result.seconds:.1f} s  {status}"
            )
        if outcome.run is not None:
            summary = sync_run_summary(outcome.run)
            self.stdout.write(
                f"{summary['kind_label']} #{summary['id']} {summary['status']}: {summary['rows_done']:,} rows, "
                f"{summary['decisions_skipped']:,} decisions skipped because they were in the past"
            )
        if not outcome.ok:
            raise CommandError("some models failed to sync; see above (the next run resumes where they stopped)")

    def _progress(self, run: SyncRun, odoo_model: str) -> None:
        if not self.tty:
            return  # the summary lines say it once each
        entry = run.progress.get(odoo_model) or {}
        done, total = entry.get("rows_done", 0), entry.get("rows_total")
        share = min(done / total, 1.0) if total else 0.0
        bar = "#" * round(share * BAR_WIDTH)
        left = entry.get("seconds_left")
        eta = f"  {left:>5.0f} s left" if left else ""
        sys.stdout.write(f"\r  {odoo_model:<28} [{bar:<{BAR_WIDTH}}] {done:>9,}/{total or 0:,}{eta}   ")
        sys.stdout.flush()
