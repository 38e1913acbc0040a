"""How each KPI is computed for one site over one period, from cases, approvals and the mirror.

Each function reads only the rows of its period (indexed columns), so a daily refresh never scans
the whole history. Registered in order into ``KPIS``; apps.kpis.apps imports this module.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import Q

from apps.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalStep, DecisionKind, RequestStatus
from apps.cases.models import Case, Severity
from apps.kpis.definitions import KPIS, Direction, KpiDefinition, Measure, Period, Unit, median, percentile, share
from apps.mirror.models import Picking
from apps.mirror.selectors import site_warehouse_ids

#: Age buckets of the exception-aging histogram: (label, upper bound); the last has none.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("< 1 h", timedelta(hours=1)),
    ("1–4 h", timedelta(hours=4)),
    ("4–24 h", timedelta(hours=24)),
    ("1–3 d", timedelta(days=3)),
    ("> 3 d", None),
)
SEVERITIES = [str(level) for level in Severity.values]


def age_bucket(age: timedelta) -> str:
    for label, bound in AGE_BUCKETS:
        if bound is None or age < bound:
            return label
    return AGE_BUCKETS[-1][0]


def open_cases_over(periods: list[Period], **filters) -> list[tuple]:
    """(opened_at, resolved_at, severity) of the site's cases open at any of the periods' moments: one
    read for a day's hours."""
    first = min(period.as_of for period in periods)
    last = max(period.as_of for period in periods)
    return list(
        Case.objects.filter(site=periods[0].site, opened_at__lt=last, **filters)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=first))
        .values_list("opened_at", "resolved_at", "severity")
    )


def open_at(rows: list[tuple], at) -> list[tuple]:
    """The rows open at ``at``: opened before it, not resolved by it."""
    return [row for row in rows if row[0] < at and (row[1] is None or row[1] >= at)]


def _aging(at, rows: list[tuple]) -> Measure:
    ages: list[float] = []
    severity: Counter[str] = Counter()
    buckets: dict[str, Counter[str]] = {label: Counter() for label, _ in AGE_BUCKETS}
    for opened_at, _, level in rows:
        age = at - opened_at
        ages.append(age.total_seconds())
        severity[level] += 1
        buckets[age_bucket(age)][level] += 1
    return Measure(
        value=median(ages),
        sample_size=len(ages),
        breakdown={
            "open": len(ages),
            "p90_s": percentile(ages, 0.9),
            "by_severity": {level: severity[level] for level in SEVERITIES},
            "age_buckets": {label: dict(counts) for label, counts in buckets.items()},
        },
    )


def exception_aging(period: Period) -> Measure:
    """Cases open at the end of the period (or now, for today), aged from when they opened."""
    return exception_aging_many([period])[0]


def exception_aging_many(periods: list[Period]) -> list[Measure]:
    rows = open_cases_over(periods)
    return [_aging(period.as_of, open_at(rows, period.as_of)) for period in periods]


def span_of(periods: list[Period]) -> Period:
    """One period covering them all (a day's hours): read once, then split by time."""
    return Period(
        site=periods[0].site,
        start=min(period.start for period in periods),
        end=max(period.end for period in periods),
        as_of=max(period.as_of for period in periods),
    )


def _case_durations(period: Period, *, field: str) -> Measure:
    """Median time from opening to ``field`` (acknowledged_at, resolved_at) for cases that reached it
    in the period, with the p90 and the median per severity."""
    return _case_durations_many([period], field=field)[0]


def _case_durations_many(periods: list[Period], *, field: str) -> list[Measure]:
    span = span_of(periods)
    rows = list(
        Case.objects.filter(site=span.site, **{f"{field}__gte": span.start, f"{field}__lt": span.end}).values_list(
            "opened_at", field, "severity"
        )
    )
    measures = []
    for period in periods:
        spans: list[float] = []
        per_severity: dict[str, list[float]] = defaultdict(list)
        for opened_at, reached_at, level in rows:
            if not period.start <= reached_at < period.end:
                continue
            seconds = max((reached_at - opened_at).total_seconds(), 0.0)
            spans.append(seconds)
            per_severity[level].append(seconds)
        measures.append(
            Measure(
                value=median(spans),
                sample_size=len(spans),
                breakdown={
                    "p90_s": percentile(spans, 0.9),
                    "by_severity": {level: median(per_severity[level]) for level in SEVERITIES},
                },
            )
        )
    return measures


def exception_acknowledge_time_many(periods: list[Period]) -> list[Measure]:
    return _case_durations_many(periods, field="acknowledged_at")


def exception_acknowledge_time(period: Period) -> Measure:
    return _case_durations(period, field="acknowledged_at")


def exception_resolve_time(period: Period) -> Measure:
    return _case_durations(period, field="resolved_at")


def approval_turnaround(period: Period) -> Measure:
    """Requests decided in the period: from raised to decided, median and p90, per request type."""
    rows = (
        ApprovalRequest.objects.filter(site=period.site, decided_at__gte=period.start, decided_at__lt=period.end)
        .exclude(status=RequestStatus.STRAIGHT_THROUGH)  # released by policy: nobody waited for a decision
        .values_list("created_at", "decided_at", "request_type")
    )
    spans: list[float] = []
    per_type: dict[str, list[float]] = defaultdict(list)
    for created_at, decided_at, request_type in rows:
        if decided_at is None:  # filtered out above; the column is nullable
            continue
        seconds = max((decided_at - created_at).total_seconds(), 0.0)
        spans.append(seconds)
        per_type[request_type].append(seconds)
    per_step, per_approver = _decision_turnarounds(period)
    return Measure(
        value=median(spans),
        sample_size=len(spans),
        breakdown={
            "p90_s": percentile(spans, 0.9),
            "by_type": {request_type: median(values) for request_type, values in sorted(per_type.items())},
            "per_step": per_step,
            # per person: read only through selectors.per_person_allowed (managers and admins of the
            # site, and only while the site has not turned per-person figures off)
            "per_approver": per_approver,
        },
    )


def _spread(values: list[float]) -> dict[str, float | int | None]:
    return {"median_s": median(values), "p90_s": percentile(values, 0.9), "decisions": len(values)}


def _decision_turnarounds(period: Period) -> tuple[dict[str, dict], dict[str, dict]]:
    """Approve and reject decisions made in the period on the site's requests: from the step becoming
    active to the person's decision, median and p90 per step name and per approver (by user id)."""
    per_step: dict[str, list[float]] = defaultdict(list)
    per_user: dict[str, list[float]] = defaultdict(list)
    for user_id, step_name, activated_at, decided_at in ApprovalDecision.objects.filter(
        request__site=period.site,
        at__gte=period.start,
        at__lt=period.end,
        kind__in=(DecisionKind.APPROVE, DecisionKind.REJECT),
        step__activated_at__isnull=False,
    ).values_list("user_id", "step__name", "step__activated_at", "at"):
        if activated_at is None:  # filtered out above; the column is nullable
            continue
        seconds = max((decided_at - activated_at).total_seconds(), 0.0)
        per_step[step_name].append(seconds)
        per_user[str(user_id)].append(seconds)
    return (
        {name: _spread(values) for name, values in sorted(per_step.items())},
        {user: _spread(values) for user, values in sorted(per_user.items(), key=lambda item: int(item[0]))},
    )


def approval_sla_breaches(period: Period) -> Measure:
    """Approval steps decided in the period after their SLA due time, as a share of all decided
    steps, with the count and the share per step name."""
    rows = ApprovalStep.objects.filter(
        request__site=period.site, completed_at__gte=period.start, completed_at__lt=period.end
    ).values_list("name", "due_at", "completed_at")
    per_step: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # name → [decided, past due]
    for name, due_at, completed_at in rows:
        late = bool(due_at and completed_at and completed_at > due_at)
        per_step[name][0] += 1
        per_step[name][1] += late
    decided = sum(counts[0] for counts in per_step.values())
    breached = sum(counts[1] for counts in per_step.values())
    return Measure(
        value=share(breached, decided),
        sample_size=decided,
        breakdown={
            "decided": decided,
            "breached": breached,
            "by_step": {name: share(counts[1], counts[0]) for name, counts in sorted(per_step.items())},
        },
    )


def straight_through_rate(period: Period) -> Measure:
    """Approval requests raised in the period that policy released without a person, as a share of all
    raised; the rest are the manual touches (decided, waiting or cancelled by a person)."""
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # type → [raised, straight-through]
    for request_type, status in ApprovalRequest.objects.filter(
        site=period.site, created_at__gte=period.start, created_at__lt=period.end
    ).values_list("request_type", "status"):
        per_type[request_type][0] += 1
        per_type[request_type][1] += status == RequestStatus.STRAIGHT_THROUGH
    raised = sum(counts[0] for counts in per_type.values())
    released = sum(counts[1] for counts in per_type.values())
    return Measure(
        value=share(released, raised),
        sample_size=raised,
        breakdown={
            "raised": raised,
            "straight_through": released,
            "manual": raised - released,
            "by_type": {name: share(counts[1], counts[0]) for name, counts in sorted(per_type.items())},
        },
    )


def done_pickings(period: Period, codes: tuple[str, ...]):
    return Picking.objects.filter(
        picking_type__warehouse_id__in=site_warehouse_ids(period.site.code),
        picking_type_code__in=codes,
        state="done",
        is_deleted=False,
        date_done__gte=period.start,
        date_done__lt=period.end,
    )


def pick_delay(period: Period) -> Measure:
    """Share of internal and outgoing transfers done in the period after their scheduled date."""
    return pick_delay_many([period])[0]


def pick_delay_many(periods: list[Period]) -> list[Measure]:
    rows = list(done_pickings(span_of(periods), ("internal", "outgoing")).values_list("scheduled_date", "date_done"))
    measures = []
    for period in periods:
        done = late = 0
        for scheduled, finished in rows:
            if period.start <= finished < period.end:
                done += 1
                late += bool(scheduled and finished > scheduled)
        measures.append(Measure(value=share(late, done), sample_size=done, breakdown={"done": done, "late": late}))
    return measures


def dispatch_adherence(period: Period) -> Measure:
    """Share of deliveries shipped in the period by their cutoff (deadline, else scheduled date)."""
    return dispatch_adherence_many([period])[0]


def dispatch_adherence_many(periods: list[Period]) -> list[Measure]:
    rows = list(
        done_pickings(span_of(periods), ("outgoing",)).values_list("scheduled_date", "date_deadline", "date_done")
    )
    measures = []
    for period in periods:
        shipped = on_time = 0
        for scheduled, deadline, finished in rows:
            if not period.start <= finished < period.end:
                continue
            cutoff = deadline or scheduled
            shipped += 1
            on_time += bool(cutoff is None or finished <= cutoff)
        measures.append(
            Measure(
                value=share(on_time, shipped),
                sample_size=shipped,
                breakdown={"shipped": shipped, "on_time": on_time},
            )
        )
    return measures


for _definition in (
    KpiDefinition(
        code="exception_aging",
        reads_retained=("cases",),
        name="Exception aging",
        question="How long have the open exceptions been waiting?",
        formula="Median age of the exception cases open at the end of the day (now, for today); "
        "p90 and the count by age bucket and severity beside it.",
        source="Exception cases (opened, resolved)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=exception_aging,
        hourly=True,
        compute_many=exception_aging_many,
        breakdown_title="Open exceptions by age and severity",
    ),
    KpiDefinition(
        code="exception_acknowledge_time",
        reads_retained=("cases",),
        name="Time to acknowledge",
        question="How soon does someone pick up a new exception?",
        formula="Median time from opening to acknowledgement of the cases acknowledged that day.",
        source="Exception cases (opened, acknowledged)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=exception_acknowledge_time,
        hourly=True,
        compute_many=exception_acknowledge_time_many,
        breakdown_title="Median by severity",
    ),
    KpiDefinition(
        code="exception_resolve_time",
        reads_retained=("cases",),
        name="Time to resolve",
        question="How long does an exception take to clear?",
        formula="Median time from opening to resolution of the cases resolved that day (by a person or by itself).",
        source="Exception cases (opened, resolved)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=exception_resolve_time,
        breakdown_title="Median by severity",
    ),
    KpiDefinition(
        code="approval_turnaround",
        reads_retained=("approvals",),
        name="Approval turnaround",
        question="How long do decisions wait?",
        formula="Median time from raising to the final decision of the approval requests a person decided that day "
        "(requests released straight-through by policy are not counted). Per step and per approver: median and "
        "p90 from the step becoming active to each approve or reject decision made that day (per approver only "
        "for the site's managers and admins, unless the site turned per-person figures off).",
        source="Approval requests (raised, decided)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=approval_turnaround,
        hourly=True,
        breakdown_title="Median by request type",
    ),
    KpiDefinition(
        code="approval_sla_breaches",
        reads_retained=("approvals",),
        name="Approvals breaching SLA",
        question="How often does a decision come after its SLA?",
        formula="Approval steps decided that day after their SLA due time ÷ all approval steps decided that day.",
        source="Approval steps (due, completed)",
        unit=Unit.PERCENT,
        good=Direction.DOWN,
        compute=approval_sla_breaches,
        hourly=True,
        breakdown_title="Share past SLA by step",
    ),
    KpiDefinition(
        code="straight_through_rate",
        reads_retained=("approvals",),
        name="Straight-through rate",
        question="How many requests does policy release without a person?",
        formula="Approval requests raised that day and released straight-through by policy ÷ all raised that day; "
        "the rest are manual touches.",
        source="Approval requests (raised, status)",
        unit=Unit.PERCENT,
        good=Direction.UP,
        compute=straight_through_rate,
        breakdown_title="Straight-through share by request type",
    ),
    KpiDefinition(
        code="pick_delay",
        name="Pick delay frequency",
        question="How often is floor work done late?",
        formula="Internal and outgoing transfers done that day after their scheduled date ÷ all done that day.",
        source="Odoo transfers (stock.picking: scheduled date, date done)",
        unit=Unit.PERCENT,
        good=Direction.DOWN,
        compute=pick_delay,
        hourly=True,
        compute_many=pick_delay_many,
    ),
    KpiDefinition(
        code="dispatch_adherence",
        name="Dispatch adherence",
        question="Do deliveries leave by their cutoff?",
        formula="Deliveries shipped that day by their deadline (else their scheduled date) ÷ all shipped that day.",
        source="Odoo deliveries (stock.picking outgoing: deadline, scheduled date, date done)",
        unit=Unit.PERCENT,
        good=Direction.UP,
        compute=dispatch_adherence,
        hourly=True,
        compute_many=dispatch_adherence_many,
    ),
):
    KPIS.register(_definition, name=_definition.code)
