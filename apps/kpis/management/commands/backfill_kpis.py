import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from apps.kpis.services import kpi_snapshots_backfill
from apps.sites.models import Site


class Command(BaseCommand):
    help = "Recomputes the KPI snapshots of every site (or one) over its last N local days, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="how many local days up to today (default 90)")
        parser.add_argument("--site", help="only this site code")
        parser.add_argument("--since", type=date.fromisoformat, help="first local day (YYYY-MM-DD) instead of --days")

    def handle(self, *args, days, site, since, **options):
        sites = Site.objects.filter(is_active=True)
        if site:
            sites = sites.filter(code=site)
            if not sites.exists():
                raise CommandError(f"no active site {site!r}")
        if days < 1:
            raise CommandError("--days must be at least 1")

        def progress(done: int, total: int) -> None:
            filled = int(30 * done / total)
            sys.stdout.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} site-days")
            sys.stdout.flush()

        result = kpi_snapshots_backfill(sites=list(sites), first_day=since, days=days, progress=progress)
        self.stdout.write(f"\n  {result.snapshots} snapshots over {result.days} site-days ({result.sites} sites)")
