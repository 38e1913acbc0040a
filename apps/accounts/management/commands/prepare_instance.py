"""`python manage.py prepare_instance`: make a database ready to run — migrate, the periodic jobs,
the default approval policies and a first admin. Safe to repeat (each step checks what exists).

    manage.py prepare_instance --admin-username admin --admin-password-file /run/secrets/ct_admin
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert


class Command(BaseCommand):
    help = "Migrate, create the periodic jobs and default approval policies, and a first admin (safe to repeat)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--admin-username", default="admin", help="the first admin's login (default admin)")
        parser.add_argument("--admin-email", default="", help="the first admin's e-mail")
        parser.add_argument("--admin-password", help="the first admin's password (better: --admin-password-file)")
        parser.add_argument("--admin-password-file", help="read the first admin's password from this file")
        parser.add_argument("--no-input", action="store_true", help="never prompt (scripts, Docker)")

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write("1/4 Database schema")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("  ✔ migrated"))
        self.stdout.write("2/4 Periodic jobs (sync, reconciliation, sweeps)")
        call_command("ensure_schedules", stdout=self.stdout)
        self.stdout.write("3/4 Default approval policies")
        call_command("approvals_defaults", stdout=self.stdout)
        self.stdout.write("4/4 First admin")
        self._first_admin(opts)
        self.stdout.write(
            "Next: set ODOO_URL, ODOO_DATABASE, ODOO_LOGIN and ODOO_API_KEY, run `make run`, sign in and open "
            "/settings/odoo/ (or `manage.py connect_odoo`) to test the connection and map warehouses to sites."
        )

    def _first_admin(self, opts: dict[str, Any]) -> None:
        username = opts["admin_username"]
        password = opts["admin_password"]
        if opts["admin_password_file"]:
            password = Path(opts["admin_password_file"]).read_text().strip()
        admins = get_user_model().objects.filter(groups__in=Group.objects.filter(name=Role.ADMIN)).distinct()
        if not password:
            if admins.exists():
                names = ", ".join(admins.values_list("username", flat=True))
                self.stdout.write(f"  ✔ an admin already exists ({names}); none created")
                return
            if opts["no_input"] or not sys.stdin.isatty():
                raise CommandError(
                    "No admin exists yet: pass --admin-password-file FILE (or --admin-password) to create one."
                )
            password = getpass.getpass(f"Password for the admin {username!r}: ")
            if not password:
                raise CommandError("An empty password is not accepted.")
        existed = get_user_model().objects.filter(username=username).exists()
        user_upsert(username=username, password=password, roles=[Role.ADMIN], email=opts["admin_email"])
        verb = "updated" if existed else "created"
        self.stdout.write(self.style.SUCCESS(f"  ✔ admin {username!r} {verb} (sees every site, may use the admin)"))
