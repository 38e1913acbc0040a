"""`manage.py dock_demo_day [--site BRU] [--doors 10]`: fill today at the demo sites with a busy dock
day (safe to repeat: a day that already has appointments is left alone), and its planning rules with
a first refresh of the proposed appointments."""

from django.core.management.base import BaseCommand

from apps.docks.demo import dock_day_fill, dock_demo_planning
from apps.sites.models import Site


class Command(BaseCommand):
    help = "Fill today's dock schedule at each active site (or one) with a busy demo day."

    def add_arguments(self, parser):
        parser.add_argument("--site", action="append", default=[], help="site code; repeat for several")
        parser.add_argument("--doors", type=int, default=10)

    def handle(self, *args, site, doors, **options):
        sites = Site.objects.filter(is_active=True)
        if site:
            sites = sites.filter(code__in=site)
        for each in sites:
            created = dock_day_fill(site=each, doors=doors)
            proposed = dock_demo_planning(site=each)
            self.stdout.write(f"{each.code}: {created} dock appointments created, {proposed} proposed")
