from django.core.management.base import BaseCommand

from apps.advisor.demo import seed_advisor_demo


class Command(BaseCommand):
    help = "Demo advisors: a delay-risk model per site (generated history) and an anomaly scan with advisory cases."

    def handle(self, *args, **options):
        done = seed_advisor_demo()
        self.stdout.write(
            f"  advisor: {done['models']} delay-risk models, {done['anomalies']} anomalies raised, "
            f"{done['decided']} accepted by the demo supervisor"
        )
