from django.core.management.base import BaseCommand

from apps.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Checks the audit log's hash chain; exits 0 when intact, 1 when an entry was altered or removed."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"audit log intact ({report.checked:,} entries)"))
            raise SystemExit(0)
        self.stdout.write(self.style.ERROR(f"audit log BROKEN at entry {report.broken_at}: {report.reason}"))
        raise SystemExit(1)
