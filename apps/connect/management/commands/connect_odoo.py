"""`python manage.py connect_odoo`: the Odoo connection wizard without a browser (scripts, Docker).

Every value comes from a flag or, when the flag is absent, from the ODOO_* environment. Secrets
are used for this run only. Exit status 0 when every requested step succeeded, 1 otherwise.

    manage.py connect_odoo --url https://odoo.example.com --database prod --login ct@example.com \\
        --api-key-file /run/secrets/odoo_api_key --map-warehouses all \\
        --install-webhooks --intake-url https://tower.example.com --admin-login admin \\
        --admin-password-file /run/secrets/odoo_admin --sync
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.connect.services.connection import ConnectionInput, connection_test
from apps.connect.services.warehouses import sites_map_warehouses, warehouse_overview
from apps.connect.services.webhooks import (
    WebhookSetupError,
    round_trip_check,
    webhook_rules_install,
    webhook_rules_remove,
)
from apps.odoo import setup as odoo_setup
from apps.odoo.errors import OdooError

SYMBOL = {True: "✔", False: "✖", None: "◌"}


def _secret(value: str | None, path: str | None) -> str:
    if path:
        return Path(path).read_text().strip()
    return value or ""


class Command(BaseCommand):
    help = "Test the Odoo connection, map warehouses to sites, install webhook rules, start the first sync."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", help="Odoo's address (default ODOO_URL)")
        parser.add_argument("--database", help="Odoo database (default ODOO_DATABASE)")
        parser.add_argument("--login", help="integration user's login (default ODOO_LOGIN)")
        parser.add_argument("--api-key", help="integration user's API key (default ODOO_API_KEY)")
        parser.add_argument("--api-key-file", help="read the API key from this file")
        parser.add_argument("--password", help="password, when no API key is used (default ODOO_PASSWORD)")
        parser.add_argument(
            "--map-warehouses",
            metavar="all|ID,ID|CODE,CODE",
            help="create or update a site for these Odoo warehouses ('all' = every active one)",
        )
        parser.add_argument("--install-webhooks", action="store_true", help="create or update the webhook rules")
        parser.add_argument("--remove-webhooks", action="store_true", help="delete the webhook rules")
        parser.add_argument("--intake-url", help="this Control Tower's address as Odoo reaches it")
        parser.add_argument("--admin-login", help="an Odoo user with Settings: Administration (webhook steps)")
        parser.add_argument("--admin-password", help="that user's password or API key (used once, not stored)")
        parser.add_argument("--admin-password-file", help="read it from this file")
        parser.add_argument("--no-round-trip", action="store_true", help="skip the round-trip check after installing")
        parser.add_argument("--sync", action="store_true", help="run a full sync once the connection works")

    def handle(self, *args: Any, **opts: Any) -> None:
        api_key = _secret(opts["api_key"], opts["api_key_file"]) or ("" if opts["password"] else settings.ODOO_API_KEY)
        given = ConnectionInput(
            url=opts["url"] or settings.ODOO_URL,
            database=opts["database"] or settings.ODOO_DATABASE,
            login=opts["login"] or settings.ODOO_LOGIN,
            api_key=api_key,
            password="" if api_key else (opts["password"] or settings.ODOO_PASSWORD),
            timeout_s=settings.ODOO_TIMEOUT_S,
        )
        report = connection_test(given=given)
        self.stdout.write(f"Testing Odoo at {given.url} (database {given.database!r}, login {given.login!r})")
        for check in report.checks:
            symbol = "▲" if check.ok is False and check.warning else SYMBOL[check.ok]
            text = check.summary if check.ok is not None else "not tested (an earlier step failed)"
            self.stdout.write(f"  {symbol} {check.label}: {text}")
            if check.fix:
                self.stdout.write(f"      What to do: {check.fix}")
        if not report.ok:
            raise CommandError("The connection is not ready; fix the first ✖ above and run this again.")
        self.stdout.write("Set these for every Control Tower process:")
        for line in report.env_lines:
            self.stdout.write(f"  {line}")

        failed = False
        if opts["map_warehouses"]:
            failed |= not self._map(given, opts["map_warehouses"])
        if opts["install_webhooks"] or opts["remove_webhooks"]:
            failed |= not self._webhooks(given, opts)
        if opts["sync"]:
            call_command("sync_odoo", "--full", stdout=self.stdout, stderr=self.stderr)
        if failed:
            raise CommandError("Some steps failed; see above.")

    def _map(self, given: ConnectionInput, which: str) -> bool:
        client = odoo_setup.probe_client(given.config())
        try:
            rows = warehouse_overview(client=client)
            if which.strip().lower() == "all":
                ids = [row.warehouse.id for row in rows if row.warehouse.active]
            else:
                wanted = {part.strip() for part in which.split(",") if part.strip()}
                ids = [
                    row.warehouse.id for row in rows if str(row.warehouse.id) in wanted or row.warehouse.code in wanted
                ]
                unknown = wanted - {str(r.warehouse.id) for r in rows} - {r.warehouse.code for r in rows}
                for name in sorted(unknown):
                    self.stderr.write(f"  ✖ Odoo has no warehouse {name!r}")
            result = sites_map_warehouses(client=client, warehouse_ids=ids)
        except OdooError as exc:
            self.stderr.write(f"  ✖ Mapping warehouses failed: {exc}")
            return False
        finally:
            client.close()
        for site in result.created:
            self.stdout.write(f"  ✔ created site {site.code} — {site.name} ({site.timezone})")
        for site in result.updated:
            self.stdout.write(f"  ✔ updated site {site.code} — {site.name} ({site.timezone})")
        for warning in result.warnings:
            self.stdout.write(f"  ▲ {warning}")
        return True

    def _webhooks(self, given: ConnectionInput, opts: dict[str, Any]) -> bool:
        admin_login = opts["admin_login"]
        admin_secret = _secret(opts["admin_password"], opts["admin_password_file"])
        if not admin_login or not admin_secret:
            raise CommandError("The webhook steps need --admin-login and --admin-password (or --admin-password-file).")
        admin = odoo_setup.probe_client(
            given.config().with_overrides(login=admin_login, api_key="", password=admin_secret)
        )
        try:
            if opts["remove_webhooks"]:
                result = webhook_rules_remove(client=admin)
                self.stdout.write(f"  ✔ removed rules for: {', '.join(result.removed) or 'none were installed'}")
                return True
            if not opts["intake_url"]:
                raise CommandError(
                    "--install-webhooks needs --intake-url (this Control Tower's address as Odoo reaches it)."
                )
            result = webhook_rules_install(client=admin, base_url=opts["intake_url"])
        except WebhookSetupError as exc:
            self.stderr.write(f"  ✖ {exc}")
            return False
        finally:
            admin.close()
        self.stdout.write(
            f"  ✔ webhook rules — created: {', '.join(result.created) or 'none'}; "
            f"updated: {', '.join(result.updated) or 'none'}; already right: {', '.join(result.unchanged) or 'none'}"
        )
        if opts["no_round_trip"]:
            return True
        client = odoo_setup.probe_client(given.config())
        try:
            trip = round_trip_check(client=client)
        finally:
            client.close()
        self.stdout.write(f"  {'✔' if trip.arrived else '▲'} round trip: {trip.message}")
        return True
