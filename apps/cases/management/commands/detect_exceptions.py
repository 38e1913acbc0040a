from django.core.management.base import BaseCommand

from apps.cases.services.detection import detectors_sweep


class Command(BaseCommand):
    help = "Run the exception detectors now: the periodic sweep, or every detector on all candidates with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Judge every candidate record, not only time-based.")

    def handle(self, *args, full: bool = False, **options):
        outcome = detectors_sweep(full=full)
        self.stdout.write(
            f"opened {len(outcome.opened)}, changed {len(outcome.changed)}, cleared {len(outcome.cleared)}"
        )
