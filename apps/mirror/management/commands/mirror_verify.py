from django.core.management.base import BaseCommand

from apps.mirror.services.verify import verify_model
from apps.mirror.specs import SPECS, SYNC_ORDER

SHOW = 20  # differences printed per model


class Command(BaseCommand):
    help = "Compares the mirror with Odoo; prints drift; exits 1 when there is any, 0 when there is none."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=sorted(SPECS), help="only this Odoo model")
        parser.add_argument("--full", action="store_true", help="compare every record, not a sample")
        parser.add_argument("--sample", type=int, default=500, help="records compared per model without --full")

    def handle(self, *args, model, full, sample, **options):
        drifted = False
        for odoo_model in [model] if model else SYNC_ORDER:
            drift = verify_model(odoo_model, full=full, sample=sample)
            if not drift:
                self.stdout.write(f"  {odoo_model:<28} ok ({drift.checked:,} records compared)")
                continue
            drifted = True
            self.stdout.write(self.style.ERROR(f"  {odoo_model:<28} DRIFT"))
            if drift.missing:
                self.stdout.write(f"    missing from the mirror: {len(drift.missing)} e.g. {drift.missing[:10]}")
            if drift.extra:
                self.stdout.write(f"    in the mirror but gone from Odoo: {len(drift.extra)} e.g. {drift.extra[:10]}")
            for line in drift.different[:SHOW]:
                self.stdout.write(f"    {line}")
            if len(drift.different) > SHOW:
                self.stdout.write(f"    ... and {len(drift.different) - SHOW} more differences")
        self.stdout.write("drift found" if drifted else "no drift")
        raise SystemExit(1 if drifted else 0)
