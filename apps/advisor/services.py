"""Writes of the advisor app: record a run, propose a recommendation (through the confidence gate), accept or
reject one, save a site's settings, purge old run logs. Keyword-only, one transaction each, safe to repeat."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import user_can_see_site
from apps.advisor.actions import action_kind
from apps.advisor.errors import AdvisorError
from apps.advisor.governance import gate, setting_for
from apps.advisor.models import AdvisorName, AdvisorRun, AdvisorSetting, Mode, Outcome, Recommendation
from apps.advisor.redaction import inputs_hash, redact_inputs
from apps.audit.services import audit_record
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

#: who may accept or reject a recommendation (at a site they can see)
DECIDER_ROLES = (
    Role.SUPERVISOR,
    Role.MANAGER,
    Role.ADMIN,
    Role.APPROVER_FINANCE,
    Role.APPROVER_OPERATIONS,
    Role.APPROVER_PROCUREMENT,
)
MAX_REASON = 1000


# -- runs ----------------------------------------------------------------------------------------
@dataclass
class Stopwatch:
    """Times an advisor's work: `with stopwatch() as watch: ...; watch.ms`."""

    started: float = field(default_factory=time.perf_counter)
    ms: int = 0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.ms = int((time.perf_counter() - watch.started) * 1000)


def _subject_fields(subject: models.Model | None, subject_key: str) -> dict[str, Any]:
    if subject is None:
        return {"subject_type": None, "subject_id": None, "subject_key": subject_key}
    key = subject_key or f"{subject._meta.model_name}:{subject.pk}"
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk, "subject_key": key}


def run_record(
    *,
    advisor: str,
    version: str,
    site: Site | None,
    inputs: dict[str, Any],
    output: dict[str, Any],
    subject: models.Model | None = None,
    subject_key: str = "",
    reasons: list[str] | None = None,
    confidence: float | None = None,
    latency_ms: int = 0,
    provider: str = "local",
    prompt: str = "",
    outcome: str = Outcome.LOGGED,
    error: str = "",
) -> AdvisorRun:
    """Log one advisor run. Inputs are hashed as given and stored redacted (no customer or person names).

    Call it for every run, failures included (outcome=Outcome.FAILED, error=...). A run that proposes
    something is then passed to `recommendation_propose`, which sets its outcome.
    """
    if advisor not in AdvisorName.values:
        raise AdvisorError(f"Unknown advisor {advisor!r}.", status=400)
    return AdvisorRun.objects.create(
        advisor=advisor,
        version=version,
        site=site,
        inputs_hash=inputs_hash(inputs),
        inputs=redact_inputs(inputs),
        prompt=prompt,
        output=output,
        reasons=[str(reason) for reason in (reasons or [])],
        confidence=confidence,
        latency_ms=max(0, int(latency_ms)),
        provider=provider,
        outcome=outcome,
        error=error[:4000],
        **_subject_fields(subject, subject_key),
    )


def run_seen(*, advisor: str, version: str, subject_key: str, inputs: dict[str, Any]) -> AdvisorRun | None:
    """The latest run of this advisor on this subject when it had exactly these inputs and this version: a
    periodic advisor skips recomputing (and re-logging) what it just ran. None when anything moved since."""
    latest = AdvisorRun.objects.filter(advisor=advisor, subject_key=subject_key).order_by("-id").first()
    if latest is None or latest.version != version or latest.inputs_hash != inputs_hash(inputs):
        return None
    return latest


# -- recommendations -----------------------------------------------------------------------------
def recommendation_propose(
    *,
    run: AdvisorRun,
    title: str,
    dedupe_key: str,
    action: dict[str, Any] | None = None,
    score: float | None = None,
) -> Recommendation:
    """Turn a logged run into a recommendation people see, then pass it through the confidence gate.

    Reasons and confidence come from the run. One open recommendation per `dedupe_key`: the same proposal
    again (same title, action and reasons) returns the open one and marks this run as a repeat; a changed
    proposal expires the older one. With auto-apply allowed (site + advisor setting, confidence ≥ threshold,
    policy straight-through) it is applied at once and recorded as auto-applied; otherwise it waits for a person.
    """
    if run.site is None:
        raise AdvisorError("A recommendation belongs to a site; this run has none.", status=400)
    action = action or {"kind": "note"}
    confidence = float(run.confidence if run.confidence is not None else 0.0)
    with transaction.atomic():
        current = Recommendation.objects.select_for_update().filter(dedupe_key=dedupe_key, is_open=True).first()
        if current is not None:
            if current.title == title and current.action == action and current.reasons == run.reasons:
                _run_outcome(run, Outcome.RECOMMENDED, reason=f"Same as open recommendation {current.pk}.")
                return current
            _close(current, Outcome.EXPIRED, reason="Replaced by a newer recommendation.")
        try:
            with transaction.atomic():
                recommendation = Recommendation.objects.create(
                    run=run,
                    advisor=run.advisor,
                    version=run.version,
                    site=run.site,
                    subject_type=run.subject_type,
                    subject_id=run.subject_id,
                    subject_key=run.subject_key,
                    dedupe_key=dedupe_key,
                    title=title[:300],
                    reasons=run.reasons,
                    confidence=confidence,
                    score=score,
                    action=action,
                )
        except IntegrityError:  # another worker proposed the same a moment ago
            raced = Recommendation.objects.filter(dedupe_key=dedupe_key, is_open=True).first()
            if raced is None:
                raise
            return raced
        _run_outcome(run, Outcome.RECOMMENDED)
    _maybe_auto_apply(recommendation)
    return recommendation


def _maybe_auto_apply(recommendation: Recommendation) -> None:
    kind = action_kind(recommendation)
    setting = setting_for(site=recommendation.site, advisor=recommendation.advisor)
    # The policy is only asked when the setting could allow it: advisory mode never evaluates it.
    could = setting.mode == Mode.AUTO_APPLY and recommendation.confidence >= setting.auto_apply_min_confidence
    decision = gate(
        site=recommendation.site,
        advisor=recommendation.advisor,
        confidence=recommendation.confidence,
        policy_allows=could and kind.policy_allows(recommendation),
    )
    if not decision.auto_apply:
        if recommendation.run is not None and setting.mode == Mode.AUTO_APPLY:
            AdvisorRun.objects.filter(pk=recommendation.run.pk).update(reason=decision.reason)
        return
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if not locked.is_open:
            return
        try:
            result = kind.apply(locked, None)
        except AdvisorError as exc:
            _run_outcome_for(locked, Outcome.RECOMMENDED, reason=f"Auto-apply failed: {exc}")
            return
        locked.result = result
        _close(locked, Outcome.AUTO_APPLIED, reason=decision.reason)
        audit_record(
            action="advisor.recommendation.auto_applied",
            subject=f"recommendation:{locked.pk}",
            site_code=locked.site.code,
            data={"advisor": locked.advisor, "version": locked.version, "confidence": locked.confidence, **result},
        )
    recommendation.refresh_from_db()


def _run_outcome(run: AdvisorRun, outcome: str, *, reason: str = "", user: User | None = None) -> None:
    AdvisorRun.objects.filter(pk=run.pk).update(outcome=outcome, reason=reason, decided_by=user)
    run.outcome, run.reason = outcome, reason


def _run_outcome_for(recommendation: Recommendation, outcome: str, *, reason: str, user: User | None = None) -> None:
    if recommendation.run_id is not None:
        AdvisorRun.objects.filter(pk=recommendation.run_id).update(outcome=outcome, reason=reason, decided_by=user)


def _close(recommendation: Recommendation, outcome: str, *, reason: str, user: User | None = None) -> None:
    recommendation.is_open = False
    recommendation.status = outcome
    recommendation.decided_at = timezone.now()
    recommendation.decided_by = user
    recommendation.reason = reason
    recommendation.save(
        update_fields=["is_open", "status", "decided_at", "decided_by", "reason", "result"],
    )
    _run_outcome_for(recommendation, outcome, reason=reason, user=user)


def can_decide(user: Any, recommendation: Recommendation) -> bool:
    """Supervisors, approvers, managers and admins of the recommendation's site."""
    return bool(
        getattr(user, "is_authenticated", False)
        and has_role(user, *DECIDER_ROLES)
        and user_can_see_site(user, recommendation.site.code)
    )


def _locked_open(recommendation_id: int, user: User) -> Recommendation:
    found = Recommendation.objects.select_for_update().select_related("site").filter(pk=recommendation_id).first()
    if found is None or not user_can_see_site(user, found.site.code):
        raise AdvisorError("No such recommendation.", status=404)  # another site's: as if it did not exist
    if not can_decide(user, found):
        raise AdvisorError("Your role cannot accept or reject recommendations.", status=403)
    if not found.is_open:
        raise AdvisorError(f"This recommendation is already {found.get_status_display().lower()}.", status=409)
    return found


def recommendation_accept(*, recommendation_id: int, user: User, reason: str = "") -> Recommendation:
    """A person accepts: the action is applied through its service (an approval request is routed by its
    policy), the outcome and reason recorded on the recommendation and its run, and audited."""
    reason = reason.strip()[:MAX_REASON]
    with transaction.atomic():
        recommendation = _locked_open(recommendation_id, user)
        result = action_kind(recommendation).apply(recommendation, user)
        recommendation.result = result
        _close(recommendation, Outcome.ACCEPTED, reason=reason, user=user)
        audit_record(
            action="advisor.recommendation.accepted",
            subject=f"recommendation:{recommendation.pk}",
            actor=user,
            site_code=recommendation.site.code,
            data={"advisor": recommendation.advisor, "version": recommendation.version, "reason": reason, **result},
        )
    return recommendation


def recommendation_reject(*, recommendation_id: int, user: User, reason: str) -> Recommendation:
    """A person rejects, saying why (required): nothing is applied; the reason feeds the advisor's record."""
    reason = (reason or "").strip()[:MAX_REASON]
    with transaction.atomic():
        recommendation = _locked_open(recommendation_id, user)  # unknown or not yours: 404 before anything else
        if not reason:
            raise AdvisorError("Say why you reject it: the reason is required.", status=400)
        _close(recommendation, Outcome.REJECTED, reason=reason, user=user)
        audit_record(
            action="advisor.recommendation.rejected",
            subject=f"recommendation:{recommendation.pk}",
            actor=user,
            site_code=recommendation.site.code,
            data={"advisor": recommendation.advisor, "version": recommendation.version, "reason": reason},
        )
    return recommendation


def recommendation_expire(*, dedupe_key: str, reason: str) -> int:
    """The condition behind an open recommendation is gone (the case closed, the delivery left): expire it.
    Returns how many were expired (0 when none was open: safe to repeat)."""
    expired = 0
    with transaction.atomic():
        for recommendation in Recommendation.objects.select_for_update().filter(dedupe_key=dedupe_key, is_open=True):
            _close(recommendation, Outcome.EXPIRED, reason=reason)
            expired += 1
    return expired


# -- settings ------------------------------------------------------------------------------------
SETTING_FIELDS = ("enabled", "mode", "auto_apply_min_confidence", "external_provider_enabled")


def advisor_setting_save(*, site: Site, advisor: str, actor: User, **values: Any) -> AdvisorSetting:
    """Save an admin's settings for one advisor at one site (only the fields given), audited with the change."""
    if advisor not in AdvisorName.values:
        raise AdvisorError(f"Unknown advisor {advisor!r}.", status=400)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise AdvisorError(f"Not an advisor setting: {', '.join(sorted(unknown))}.", status=400)
    if "mode" in values and values["mode"] not in Mode.values:
        raise AdvisorError(f"mode must be one of {', '.join(Mode.values)}.", status=400)
    if "auto_apply_min_confidence" in values:
        threshold = values["auto_apply_min_confidence"]
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            raise AdvisorError("auto_apply_min_confidence is a number from 0 to 1.", status=400)
    with transaction.atomic():
        setting, _created = AdvisorSetting.objects.select_for_update().get_or_create(site=site, advisor=advisor)
        before = {name: getattr(setting, name) for name in SETTING_FIELDS}
        for name, value in values.items():
            setattr(setting, name, value)
        setting.updated_by = actor
        setting.save()
        after = {name: getattr(setting, name) for name in SETTING_FIELDS}
        if before != after or _created:
            audit_record(
                action="advisor.setting.saved",
                subject=f"advisor_setting:{setting.pk}",
                actor=actor,
                site_code=site.code,
                data={"advisor": advisor, "before": before, "after": after},
            )
    return setting


# -- retention -----------------------------------------------------------------------------------
