"""The advisors' acceptance rate as a KPI (registered into core's KPI registry in AdvisorConfig.ready):
managers read it beside the other figures, with a chart, a table and a CSV, per site and local day."""

from __future__ import annotations

from collections import Counter

from apps.advisor.models import AdvisorName, Outcome, Recommendation
from apps.core.kpi_definitions import Direction, KpiDefinition, Measure, Period, Unit, share

CODE = "advisor_acceptance_rate"


def acceptance_rate(period: Period) -> Measure:
    """Recommendations people decided in the period that they accepted, as a share of all they decided
    (accepted + rejected); auto-applied and expired ones are counted in the breakdown, not in the rate."""
    decided = Recommendation.objects.filter(
        site=period.site, decided_at__gte=period.start, decided_at__lt=period.end
    ).values_list("advisor", "status")
    per_advisor: dict[str, Counter[str]] = {}
    for advisor, status in decided:
        per_advisor.setdefault(advisor, Counter())[status] += 1
    accepted = sum(counts[Outcome.ACCEPTED] for counts in per_advisor.values())
    rejected = sum(counts[Outcome.REJECTED] for counts in per_advisor.values())
    labels = dict(AdvisorName.choices)
    return Measure(
        value=share(accepted, accepted + rejected),
        sample_size=accepted + rejected,
        breakdown={
            "accepted": accepted,
            "rejected": rejected,
            "auto_applied": sum(counts[Outcome.AUTO_APPLIED] for counts in per_advisor.values()),
            "group_title": "Advisor",
            "by_group": {
                str(labels.get(advisor, advisor)): share(
                    counts[Outcome.ACCEPTED], counts[Outcome.ACCEPTED] + counts[Outcome.REJECTED]
                )
                for advisor, counts in sorted(per_advisor.items())
            },
        },
    )


ACCEPTANCE_RATE = KpiDefinition(
    code=CODE,
    name="Advisor acceptance rate",
    question="Do people agree with the advisors' recommendations?",
    formula="accepted ÷ (accepted + rejected) recommendations decided by a person that local day",
    source="Control Tower: advisor recommendations and their outcome",
    unit=Unit.PERCENT,
    good=Direction.UP,
    compute=acceptance_rate,
    breakdown_title="Acceptance rate by advisor",
)
