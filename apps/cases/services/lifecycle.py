"""Turning a detector's evaluation into cases: open, update, clear. Safe to run again on the same
data: an open case is found by its dedupe key and only rewritten when something a person sees
changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from apps.cases.detectors.base import Detector, Evaluation, Finding, chunks
from apps.cases.models import SEVERITY_RANK, Case, CaseEvent, Severity, Status
from apps.cases.services.publishing import publish_cases

logger = logging.getLogger(__name__)

# The detector confirms an unchanged condition at most this often (a write per open case per
# sweep would be wasted work).
SEEN_REFRESH = timedelta(minutes=10)


@dataclass(frozen=True)
class Vanished:
    """Records a change set took out of the mirror for a reason that is not Odoo's own doing
    (`ChangeSet.reason`, e.g. "gone after an Odoo restore"): cases on them clear with that reason."""

    odoo_model: str
    odoo_ids: frozenset[int]
    reason: str

    def covers(self, case: Case) -> bool:
        """The case is on one of these records: its own record, or every transfer it flags."""
        if case.odoo_model == self.odoo_model and case.odoo_id in self.odoo_ids:
            return True
        flagged = [(step.get("model"), step.get("id")) for step in case.steps if step.get("flagged")]
        return bool(flagged) and all(
            model == self.odoo_model and odoo_id in self.odoo_ids for model, odoo_id in flagged
        )


@dataclass
class Outcome:
    opened: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        self.opened += other.opened
        self.changed += other.changed
        self.cleared += other.cleared


def cases_apply_evaluation(
    *, detector: Detector, evaluation: Evaluation, now: datetime, vanished: Vanished | None = None
) -> Outcome:
    """Open a case per new finding, refresh the open ones, clear those whose condition is gone
    (those on `vanished` records say why they went instead of "the condition cleared in Odoo")."""
    outcome = Outcome()
    touched: list[tuple[Case, str]] = []
    keys = evaluation.checked_keys | set(evaluation.findings)
    for batch in chunks(sorted(keys), 500):
        with transaction.atomic():
            _apply_batch(detector, evaluation, batch, now, outcome, touched, vanished)
    # Published once for the whole evaluation, so a large one becomes a single refresh per site.
    publish_cases(touched)
    return outcome


def _apply_batch(
    detector: Detector,
    evaluation: Evaluation,
    keys: list[str],
    now: datetime,
    outcome: Outcome,
    touched: list[tuple[Case, str]],
    vanished: Vanished | None,
) -> None:
    open_cases = {case.dedupe_key: case for case in Case.objects.filter(dedupe_key__in=keys, is_open=True)}
    # Resolved by hand while the condition still held: not reopened until the condition clears once.
    handled = set(
        Case.objects.filter(dedupe_key__in=keys, is_open=False, condition_present=True).values_list(
            "dedupe_key", flat=True
        )
    )
    gone_handled = []
    for key in keys:
        finding = evaluation.findings.get(key)
        case = open_cases.get(key)
        if finding is not None and case is not None:
            if _refresh(case, finding, now):
                outcome.changed.append(case.pk)
                touched.append((case, "case.changed"))
        elif finding is not None and key not in handled:
            opened = _open(detector, finding, now)
            if opened is not None:
                outcome.opened.append(opened.pk)
                touched.append((opened, "case.opened"))
        elif finding is None and case is not None:
            _clear(
                case,
                now,
                reason=vanished.reason if vanished and vanished.covers(case) else "",
                text=detector.cleared_text,
            )
            outcome.cleared.append(case.pk)
            touched.append((case, "case.cleared"))
        elif finding is None and key in handled:
            gone_handled.append(key)
    if gone_handled:
        Case.objects.filter(dedupe_key__in=gone_handled, is_open=False, condition_present=True).update(
            condition_present=False
        )


def _open(detector: Detector, finding: Finding, now: datetime) -> Case | None:
    rules = finding.rules
    case = Case(
        site=rules.site,
        kind=detector.code,
        dedupe_key=finding.key,
        title=finding.title[:300],  # names from Odoo have no length limit
        severity=finding.severity,
        severity_rank=SEVERITY_RANK[finding.severity],
        priority_score=finding.priority.score,
        priority_reasons=finding.priority.reasons,
        owner_role=detector.owner_role,
        odoo_model=finding.odoo_model,
        odoo_id=finding.odoo_id,
        record_name=finding.record_name[:200],
        sale_order_odoo_id=finding.sale_order_odoo_id,
        subject_ids=finding.subject_ids,
        steps=finding.steps,
        detail=finding.detail,
        context=finding.context(),
        opened_at=now,
        last_seen_at=now,
        sla_due_at=now + timedelta(minutes=rules.settings.sla_minutes(finding.severity)),
    )
    try:
        with transaction.atomic():  # a savepoint: another worker may have opened the same key
            case.save(force_insert=True)
    except IntegrityError:
        logger.info("case already open", extra={"dedupe_key": finding.key})
        return None
    CaseEvent.objects.create(case=case, at=now, kind=CaseEvent.Kind.DETECTED, text=finding.title, data=finding.detail)
    return case


def _refresh(case: Case, finding: Finding, now: datetime) -> bool:
    """Bring an open case up to date with the detector's latest view; True when it changed."""
    visible = (finding.title[:300], finding.severity, finding.priority.score, finding.steps)
    if visible == (case.title, case.severity, case.priority_score, case.steps):
        if now - case.last_seen_at >= SEEN_REFRESH:
            Case.objects.filter(pk=case.pk).update(last_seen_at=now)
        return False
    if finding.severity != case.severity:
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind=CaseEvent.Kind.CHANGED,
            text=f"Severity {Severity(case.severity).label.lower()} → {Severity(finding.severity).label.lower()}",
        )
        due = case.opened_at + timedelta(minutes=finding.rules.settings.sla_minutes(finding.severity))
        case.sla_due_at = min(case.sla_due_at, due) if case.sla_due_at else due
    case.title = finding.title[:300]
    case.severity = finding.severity
    case.severity_rank = SEVERITY_RANK[finding.severity]
    case.priority_score = finding.priority.score
    case.priority_reasons = finding.priority.reasons
    case.steps = finding.steps
    case.subject_ids = finding.subject_ids
    case.detail = finding.detail
    case.last_seen_at = now
    case.save()
    return True


def _clear(case: Case, now: datetime, *, reason: str = "", text: str = Detector.cleared_text) -> None:
    """Resolve by itself; `reason` says why when the record left the mirror without Odoo clearing it."""
    case.status = Status.AUTO_RESOLVED
    case.is_open = False
    case.condition_present = False
    case.resolved_at = now
    case.save()
    CaseEvent.objects.create(
        case=case,
        at=now,
        kind=CaseEvent.Kind.AUTO_RESOLVED,
        text=f"Cleared: the record is {reason}." if reason else text,
        data={"reason": reason} if reason else {},
    )
