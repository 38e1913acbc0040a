"""Running the detectors: on every mirror change set, and on a periodic sweep for conditions the
clock alone changes (late, near cutoff, aging, snoozes ending, SLAs missed)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.cases.detectors import Detector, detectors
from apps.cases.detectors.base import fact_detectors
from apps.cases.models import Case, CaseEvent, Status
from apps.cases.services.lifecycle import Outcome, Vanished, cases_apply_evaluation
from apps.cases.services.publishing import publish_case
from apps.cases.site_rules import SiteResolver
from apps.mirror.changes import ChangeSet

logger = logging.getLogger(__name__)


def detect_subjects(
    *,
    detector: Detector,
    subject_ids: Iterable[int],
    now: datetime | None = None,
    sites: SiteResolver | None = None,
    vanished: Vanished | None = None,
) -> Outcome:
    """Evaluate these subjects with one detector and apply the result to the cases (cases on
    `vanished` records clear with its reason)."""
    ids = {i for i in subject_ids if i is not None}
    if not ids:
        return Outcome()
    now = now or timezone.now()
    sites = sites if sites is not None else SiteResolver()
    evaluation = detector.evaluate(ids, sites, now)
    return cases_apply_evaluation(detector=detector, evaluation=evaluation, now=now, vanished=vanished)


def detect_changes(changes: ChangeSet, *, now: datetime | None = None) -> Outcome:
    """The mirror's change-set hook: every detector watching this model judges what changed."""
    outcome = Outcome()
    interested = [d for d in detectors() if changes.odoo_model in d.watches]
    if not interested or not changes:
        return outcome
    sites = SiteResolver()
    if not sites:
        return outcome  # no site matches a warehouse yet: nobody could own a case
    # Records deleted for a stated reason (an Odoo restore took them away): their cases say so.
    vanished = (
        Vanished(changes.odoo_model, frozenset(changes.deleted), changes.reason)
        if changes.reason and changes.deleted
        else None
    )
    for detector in interested:
        try:
            subjects = detector.subjects_from_changes(changes)
            outcome.merge(
                detect_subjects(detector=detector, subject_ids=subjects, now=now, sites=sites, vanished=vanished)
            )
        except Exception:
            # One broken detector must not starve the others of this change set.
            logger.exception("detector failed on a change set", extra={"detector": detector.code})
    return outcome


def facts_rejudge(source: str, site_code: str, *, now: datetime | None = None) -> Outcome:
    """The exception-facts hook (apps/core/exception_facts.py): a change at `source` may have
    opened or cleared facts at this site, so its kinds are judged there now — the candidates and
    every open case of those kinds at the site — instead of waiting for the sweep."""
    now = now or timezone.now()
    outcome = Outcome()
    sites = SiteResolver()
    for detector in fact_detectors(source):
        try:
            subjects = set(detector.site_candidates(site_code, now))
            open_cases = Case.objects.filter(kind=detector.code, is_open=True, site__code=site_code)
            for ids in open_cases.values_list("subject_ids", flat=True):
                subjects.update(ids)
            outcome.merge(detect_subjects(detector=detector, subject_ids=subjects, now=now, sites=sites))
        except Exception:
            logger.exception("detector failed on changed facts", extra={"detector": detector.code})
    return outcome


def detectors_sweep(*, now: datetime | None = None, full: bool = False) -> Outcome:
    """Re-judge time-based conditions (or, with full=True, everything) and every open case's
    subjects, so a cleared condition closes even when no change set mentioned it. Then wake
    snoozed cases (escalation is the escalation app's sweep)."""
    now = now or timezone.now()
    outcome = Outcome()
    sites = SiteResolver()
    for detector in detectors():
        if not (detector.time_based or full) and not _has_open(detector):
            continue
        subjects: set[int] = set()
        if detector.time_based or full:
            subjects.update(detector.sweep_candidates(sites, now))
        for ids in Case.objects.filter(kind=detector.code, is_open=True).values_list("subject_ids", flat=True):
            subjects.update(ids)
        try:
            outcome.merge(detect_subjects(detector=detector, subject_ids=subjects, now=now, sites=sites))
        except Exception:
            logger.exception("detector failed in the sweep", extra={"detector": detector.code})
    snoozes_end(now=now)
    return outcome


def _has_open(detector: Detector) -> bool:
    return Case.objects.filter(kind=detector.code, is_open=True).exists()


def snoozes_end(*, now: datetime) -> int:
    """Snoozed cases whose time is up come back as open. Claimed with a conditional update."""
    woken = 0
    for case in Case.objects.filter(status=Status.SNOOZED, snoozed_until__lte=now):
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, status=Status.SNOOZED).update(
                status=Status.OPEN, snoozed_until=None
            ):
                continue
            case.refresh_from_db()
            CaseEvent.objects.create(case=case, at=now, kind=CaseEvent.Kind.WOKE, text="Snooze ended.")
            publish_case(case, "case.changed")
            woken += 1
    return woken
