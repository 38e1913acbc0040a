import getpass

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.writeback.pause import outbox_pause_state, outbox_resume
from apps.writeback.restore import after_restore_check

RUNBOOK = "docs/operations.md, 'Restore'"


class Command(BaseCommand):
    help = (
        "Run right after restoring Control Tower's database: pauses the outbox (nothing is written to "
        "Odoo), compares the mirror with Odoo and lists the outbox entries to look at. "
        "`--resume` lets the outbox run again once a person has dealt with them. Both are audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--resume", action="store_true", help="let the outbox write to Odoo again (audited)")
        parser.add_argument("--by", help="your Control Tower username, recorded in the audit log (default: OS user)")
        parser.add_argument("--note", default="", help="with --resume: what was checked, for the audit log")
        parser.add_argument("--sample", type=int, default=500, help="records compared per Odoo model")

    def handle(self, *args, resume, by, note, sample, **options):
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"--by: no user named {by!r}.")
        operator = f"operator {getpass.getuser()}"
        if resume:
            return self._resume(actor, operator, note)
        report = after_restore_check(actor=actor, operator=operator, sample=sample)
        self.stdout.write(
            self.style.WARNING(f"Outbox paused ({report.pause.changed_by}): nothing is written to Odoo until --resume.")
        )
        self.stdout.write("Mirror compared with Odoo (the next sync catches up on what changed since the backup):")
        for drift in report.drift:
            if drift.error:
                self.stdout.write(self.style.ERROR(f"  {drift.odoo_model:<28} not checked: {drift.error}"))
            elif drift.ok:
                self.stdout.write(f"  {drift.odoo_model:<28} ok ({drift.checked:,} compared)")
            else:
                self.stdout.write(
                    f"  {drift.odoo_model:<28} behind Odoo: {drift.missing} missing, {drift.extra} gone from Odoo, "
                    f"{drift.different} different"
                )
        since = f" since {report.done_since:%Y-%m-%d %H:%M} UTC" if report.done_since else ""
        self.stdout.write(f"Outbox entries done{since} that Odoo does not show: {len(report.done_missing)}")
        for finding in report.done_missing:
            self.stdout.write(self.style.WARNING(f"  {finding.line()}"))
        self.stdout.write(f"Outbox entries pending or running in the restored database: {len(report.in_flight)}")
        for finding in report.in_flight:
            self.stdout.write(f"  {finding.line()}")
        self.stdout.write(
            "Decisions taken after the backup are not in this database; their effects may be in Odoo "
            "(see the runbook).\n"
            f"When each entry above is dealt with: manage.py after_restore --resume --by <you>  ({RUNBOOK})"
        )

    def _resume(self, actor, operator, note) -> None:
        if not outbox_pause_state().paused:
            self.stdout.write("The outbox is not paused; nothing to do.")
            return
        state = outbox_resume(actor=actor, operator=operator, note=note)
        self.stdout.write(
            self.style.SUCCESS(f"Outbox resumed by {state.changed_by}: due entries go at the next sweep.")
        )
