from django.core.management.base import BaseCommand, CommandError

from apps.mirror.services.repair import mirror_repair, restore_checks
from apps.mirror.services.verify import verify_model
from apps.mirror.specs import SPECS, SYNC_ORDER
from apps.odoo.datetimes import parse_datetime

SHOW = 20  # differences printed per model


class Command(BaseCommand):
    help = "Compares the mirror with Odoo; prints drift; exits 1 when there is any, 0 when there is none."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=sorted(SPECS), help="only this Odoo model")
        parser.add_argument("--full", action="store_true", help="compare every record, not a sample")
        parser.add_argument("--sample", type=int, default=500, help="records compared per model without --full")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="after an Odoo restore: make the mirror equal to Odoo (audited), list decisions to reissue",
        )
        parser.add_argument("--restored-at", help="the restore point, 'YYYY-MM-DD HH:MM:SS' UTC (default: a day ago)")

    def handle(self, *args, model, full, sample, repair, restored_at, **options):
        if repair:
            return self._repair(model, restored_at)
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

    def _repair(self, model, restored_at) -> None:
        try:
            since = parse_datetime(restored_at) if restored_at else None
        except ValueError as exc:
            raise CommandError(f"--restored-at: {exc}") from None
        changed = False
        for odoo_model in [model] if model else SYNC_ORDER:
            report = mirror_repair(odoo_model)
            if not report:
                self.stdout.write(f"  {odoo_model:<28} equal to Odoo")
                continue
            changed = True
            self.stdout.write(
                f"  {odoo_model:<28} repaired: {len(report.restored)} set back to Odoo's values, "
                f"{len(report.removed)} gone from Odoo (marked deleted), {len(report.added)} added"
            )
            for label, ids in (("set back", report.restored), ("gone", report.removed), ("added", report.added)):
                if ids:
                    self.stdout.write(f"    {label}: {ids[:SHOW]}{' ...' if len(ids) > SHOW else ''}")
        lines = restore_checks(since)
        for line in lines:
            self.stdout.write(self.style.WARNING(f"  {line}"))
        self.stdout.write(
            ("mirror repaired (recorded in the audit log)" if changed else "nothing to repair")
            + (f"; {len(lines)} decision(s) to reissue" if lines else "")
        )
