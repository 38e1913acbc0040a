"""`manage.py kpis_demo_history [--days 90]`: the demo's history of cases, approvals and dock days,
with the KPIs backfilled from it (safe to repeat: nothing happens once the history is there)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from apps.kpis.demo import kpi_history_fill


class Command(BaseCommand):
    help = "Fill the demo sites with N days of resolved cases, decided approvals and dock days, then backfill KPIs."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="local days of history before today (default 90)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, days, seed, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")

        def progress(done: int, total: int) -> None:
            filled = int(30 * done / total)
            sys.stdout.write(f"\r  KPIs [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} site-days")
            sys.stdout.flush()

        result = kpi_history_fill(days=days, seed=seed, progress=progress)
        if result is None:
            self.stdout.write("  KPI history already there: nothing to do")
            return
        self.stdout.write(
            f"\n  history: {result.cases} cases, {result.requests} approval requests, "
            f"{result.appointments} dock appointments; {result.snapshots} KPI snapshots"
        )
