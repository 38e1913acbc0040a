import sys
import time

from django.core.management.base import BaseCommand, CommandError

from apps.mirror.locks import AlreadyRunning
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SPECS, SYNC_ORDER


class Command(BaseCommand):
    help = "Runs one sync pass from Odoo now (all mirrored models, or one), with progress."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=sorted(SPECS), help="only this Odoo model")
        parser.add_argument("--full", action="store_true", help="re-read every record, not only changes")

    def handle(self, *args, model, full, **options):
        failed = False
        for odoo_model in [model] if model else SYNC_ORDER:
            started = time.perf_counter()

            def progress(name, rows, changed, started=started):
                rate = rows / max(time.perf_counter() - started, 1e-6)
                sys.stdout.write(f"\r  {name:<28} {rows:>9,} rows read  {changed:>9,} changed  {rate:>8,.0f} rows/s")
                sys.stdout.flush()

            try:
                result = sync_model(odoo_model, full=full, progress=progress)
            except AlreadyRunning:
                self.stdout.write(f"  {odoo_model:<28} skipped: a sync of it is already running")
                continue
            if result.error:
                status = self.style.ERROR(f"FAILED: {result.error}")
            elif result.rejected:
                status = self.style.WARNING(f"ok, {result.rejected} row(s) left out: {result.rejected_detail}")
            else:
                status = self.style.SUCCESS("ok")
            self.stdout.write(
                f"\r  {odoo_model:<28} {result.rows:>9,} rows read  {result.changed:>9,} changed"
                f"  in {result.seconds:.1f} s  {status}"
            )
            failed = failed or not result.ok
        if failed:
            raise CommandError("some models failed to sync; see above (the next run resumes where they stopped)")
