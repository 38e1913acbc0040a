"""`python manage.py user_upsert`: create a user, or bring one to exactly these roles and sites.

manage.py user_upsert --username sam --password-file pw.txt --role supervisor --site BRU --site CHI
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.sites.models import Site


class Command(BaseCommand):
    help = "Create or update a user with roles and sites (safe to repeat: the result is exactly what you pass)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="better: --password-file; without either, one is generated and printed")
        parser.add_argument("--password-file", help="read the password from this file")
        parser.add_argument("--role", action="append", default=[], choices=Role.values, help="repeat for several roles")
        parser.add_argument("--site", action="append", default=[], help="site code; repeat for several sites")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["role"]:
            raise CommandError(f"Give at least one --role ({', '.join(Role.values)}).")
        codes = [code.strip() for code in opts["site"] if code.strip()]
        sites = list(Site.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {site.code for site in sites})
        if missing:
            known = ", ".join(Site.objects.values_list("code", flat=True)) or "none yet (map Odoo warehouses first)"
            raise CommandError(f"No site with code {', '.join(missing)}. Sites: {known}.")
        password = opts["password"]
        if opts["password_file"]:
            password = Path(opts["password_file"]).read_text().strip()
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user = user_upsert(
            username=opts["username"], password=password, roles=opts["role"], sites=sites, email=opts["email"]
        )
        roles = ", ".join(str(Role(role).label) for role in opts["role"])
        scope = ", ".join(site.code for site in sites) or ("every site" if Role.ADMIN in opts["role"] else "no site")
        self.stdout.write(self.style.SUCCESS(f"{user.username}: {roles}; sites: {scope}"))
        if generated:
            self.stdout.write(f"password: {password}  (shown once; change it after signing in)")
