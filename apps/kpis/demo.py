"""Ninety days of history for the demo, so the KPI pages show real trends on first open: resolved
exception cases, decided approval requests and finished dock days at each site, then the KPIs
computed from them by the backfill (never snapshot numbers written directly).

Transfers come from the Odoo simulator's own history through the sync, like any Odoo's; their
KPIs (pick delay, dispatch adherence, order cycle time) fill as the first sync lands.

Coordination gets better over the period (fewer exceptions, faster acknowledgement, more requests
released straight-through), as it would after a control tower is introduced. Deterministic for a
seed; does nothing when the history is already there, so the demo can call it on every start.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import APPROVER_ROLES
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import (
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    DecisionKind,
    RequestStatus,
    RequestType,
    StepStatus,
)
from apps.cases.detectors.base import detectors
from apps.cases.models import SEVERITY_RANK, Case, Status
from apps.docks.demo import dock_day_fill
from apps.kpis.services import kpi_snapshots_backfill, local_day_of
from apps.sites.models import Site

KEY_PREFIX = "demo-history:"
SEVERITY_WEIGHTS = {"critical": 1, "high": 3, "medium": 5, "low": 3}


@dataclass(frozen=True)
class HistoryResult:
    cases: int
    requests: int
    appointments: int
    snapshots: int


def history_exists() -> bool:
    return Case.objects.filter(dedupe_key__startswith=KEY_PREFIX).exists()


def kpi_history_fill(
    *,
    days: int = 90,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryResult | None:
    """Create the history of the last ``days`` local days before today at every active site and
    backfill the KPIs over them and today (without announcing: it runs before the stack starts). None
    when the history is already there."""
    if history_exists():
        return None
    now = now or timezone.now()
    ensure_default_policies()
    sites = list(Site.objects.filter(is_active=True))
    cases = requests = appointments = 0
    for site in sites:
        today = local_day_of(site, now)
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            progress_share = 1 - back / days  # 0 at the start of the period, 1 yesterday
            rng = random.Random(f"{seed}:{site.code}:{day}")  # noqa: S311 (demo data, not security)
            with transaction.atomic():
                cases += _cases(site, day, rng, progress_share)
                requests += _requests(site, day, rng, progress_share)
            day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=site.tzinfo)
            appointments += dock_day_fill(site=site, day=day, doors=4, seed=seed, now=day_end)
    result = kpi_snapshots_backfill(sites=sites, days=days + 1, progress=progress, announce=False, now=now)
    return HistoryResult(cases=cases, requests=requests, appointments=appointments, snapshots=result.snapshots)


def _local(site: Site, day: date, rng: random.Random) -> datetime:
    """A moment of the working day (06:00–22:00 local) at the site."""
    start = datetime.combine(day, time(6), tzinfo=site.tzinfo)
    return start + timedelta(minutes=rng.uniform(0, 16 * 60))


def _minutes(rng: random.Random, median: float) -> timedelta:
    """A positive duration with a long tail around a median (log-normal)."""
    return timedelta(minutes=median * math.exp(rng.gauss(0, 0.8)))


def _cases(site: Site, day: date, rng: random.Random, improved: float) -> int:
    kinds = [detector.code for detector in detectors()]
    severities = list(SEVERITY_WEIGHTS)
    rows = []
    for number in range(max(1, round(rng.gauss(14 - 6 * improved, 2)))):
        kind = rng.choice(kinds)
        severity = rng.choices(severities, weights=list(SEVERITY_WEIGHTS.values()))[0]
        opened = _local(site, day, rng)
        to_acknowledge = _minutes(rng, 35 - 20 * improved)
        resolved = opened + to_acknowledge + _minutes(rng, 180 - 90 * improved)
        acknowledged: datetime | None = opened + to_acknowledge
        if severity == "low" and rng.random() < 0.3:
            acknowledged = None  # cleared by itself before anyone looked
        rows.append(
            Case(
                site=site,
                kind=kind,
                dedupe_key=f"{KEY_PREFIX}{site.code}:{day}:{number}",
                title=f"{kind.replace('_', ' ').capitalize()} (history of {day:%d %b})",
                status=Status.RESOLVED if acknowledged else Status.AUTO_RESOLVED,
                is_open=False,
                condition_present=False,
                severity=severity,
                severity_rank=SEVERITY_RANK[severity],
                opened_at=opened,
                last_seen_at=resolved,
                acknowledged_at=acknowledged,
                resolved_at=resolved,
            )
        )
    Case.objects.bulk_create(rows)
    return len(rows)


def _requests(site: Site, day: date, rng: random.Random, improved: float) -> int:
    policies = {
        policy.request_type: policy for policy in ApprovalPolicy.objects.filter(is_current=True, site__isnull=True)
    }
    rows: list[tuple[ApprovalRequest, datetime, datetime]] = []
    for number in range(max(1, round(rng.gauss(9, 2)))):
        request_type = rng.choice(list(RequestType.values))
        policy = policies.get(request_type)
        if policy is None:
            continue
        raised = _local(site, day, rng)
        straight = rng.random() < 0.25 + 0.3 * improved
        decided = raised if straight else raised + _minutes(rng, 70 - 35 * improved)
        status = (
            RequestStatus.STRAIGHT_THROUGH
            if straight
            else (RequestStatus.REJECTED if rng.random() < 0.12 else RequestStatus.APPROVED)
        )
        request = ApprovalRequest(
            site=site,
            request_type=request_type,
            status=status,
            title=f"{RequestType(request_type).label} (history of {day:%d %b})",
            dedupe_key=f"{KEY_PREFIX}{site.code}:{day}:{number}",
            odoo_model="stock.picking",
            policy=policy,
            route_name="history",
            control_model="straight_through" if straight else "single_step",
            condition_text="demo history",
            is_low_risk=straight,
        )
        rows.append((request, raised, decided))
    ApprovalRequest.objects.bulk_create([request for request, _, _ in rows])
    for request, raised, decided in rows:  # created_at is set on insert; history needs its own instants
        request.created_at, request.decided_at = raised, decided
    ApprovalRequest.objects.bulk_update([request for request, _, _ in rows], ["created_at", "decided_at"])
    sla = 60
    steps = ApprovalStep.objects.bulk_create(
        ApprovalStep(
            request=request,
            position=1,
            name="Review",
            role="approver_operations",
            sla_minutes=sla,
            reminder_minutes=sla // 2,
            status=StepStatus.REJECTED if request.status == RequestStatus.REJECTED else StepStatus.APPROVED,
            activated_at=raised,
            due_at=raised + timedelta(minutes=sla),
            completed_at=decided,
        )
        for request, raised, decided in rows
        if request.status != RequestStatus.STRAIGHT_THROUGH
    )
    _decisions(site, steps, rng)
    return len(rows)


def _decisions(site: Site, steps: list[ApprovalStep], rng: random.Random) -> None:
    """Who decided each step: one of the site's approvers (the turnaround per approver), when the demo
    has seeded them."""
    approvers = list(User.objects.filter(groups__name__in=APPROVER_ROLES, sites=site).distinct().order_by("username"))
    if not approvers or not steps:
        return
    decisions = ApprovalDecision.objects.bulk_create(
        ApprovalDecision(
            request_id=step.request_id,
            step=step,
            user=rng.choice(approvers),
            kind=DecisionKind.REJECT if step.status == StepStatus.REJECTED else DecisionKind.APPROVE,
            reason="demo history",
        )
        for step in steps
    )
    for decision, step in zip(decisions, steps, strict=True):  # `at` is set on insert; history needs its own
        if step.completed_at is not None:
            decision.at = step.completed_at
    ApprovalDecision.objects.bulk_update(decisions, ["at"])
