from django.core.management.base import BaseCommand

from apps.core.schedules import ensure_default_schedules


class Command(BaseCommand):
    help = "Creates the default periodic jobs that are missing (never changes an admin's edits)."

    def handle(self, *args, **options):
        created = ensure_default_schedules()
        self.stdout.write(f"schedules created: {', '.join(created) or 'none (all present)'}")
