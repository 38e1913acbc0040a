"""`python manage.py approvals_defaults`: install the default approval policy set (safe to repeat)."""

from django.core.management.base import BaseCommand

from apps.approvals.defaults import ensure_default_policies


class Command(BaseCommand):
    help = "Create the default approval policies (the five control models) that do not exist yet."

    def handle(self, *args, **options) -> None:
        created = ensure_default_policies()
        if created:
            self.stdout.write(self.style.SUCCESS(f"created {', '.join(created)}"))
        else:
            self.stdout.write("default approval policies already present")
