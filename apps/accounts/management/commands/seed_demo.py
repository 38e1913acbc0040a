from django.core.management.base import BaseCommand

from apps.accounts.demo import seed_demo_users


class Command(BaseCommand):
    help = "Creates the demo sites and one demo user per role (passwords kept in var/demo-users.json)."

    def handle(self, *args, **options):
        for credential in seed_demo_users():
            self.stdout.write(f"{credential['username']:<12} {credential['password']:<24} {credential['role']}")
