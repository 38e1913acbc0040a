"""`python manage.py run_stack` (`make run`): the whole product against your Odoo (ODOO_URL), no
simulator and no demo data, under the same supervisor as the demo. Run `prepare_instance` first."""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core import supervisor


class Command(BaseCommand):
    help = (
        "Runs web (Daphne), Celery worker and beat (and the embedded Redis when REDIS_URL is unset) against ODOO_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address Daphne listens on")
        parser.add_argument("--port", type=int, default=8000, help="port Daphne listens on")

    def handle(self, *args, host, port, **options):
        manager = supervisor.stack_manager(host=host, port=port)
        supervisor.run(manager, f"http://{host}:{port}/", self._announce, self._write)

    def _announce(self) -> list[str]:
        return [
            f"  Odoo: {settings.ODOO_URL} (database {settings.ODOO_DATABASE}, login {settings.ODOO_LOGIN})",
            "  Sign in with the admin `prepare_instance` made; connect and map warehouses at /settings/odoo/.",
        ]

    def _write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
