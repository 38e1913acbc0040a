"""The confidence gate, the run log and one-click accept/reject, with site scoping."""

from __future__ import annotations

import pytest

from apps.advisor.errors import AdvisorError
from apps.advisor.models import AdvisorName, AdvisorRun, Mode, Outcome, Recommendation
from apps.advisor.services import (
    advisor_setting_save,
    recommendation_accept,
    recommendation_reject,
)
from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.audit.models import AuditEntry
from apps.core.retention.services import retention_purge

pytestmark = pytest.mark.django_db


def _auto(sites, admin_user, threshold=0.8, site="BRU"):
    advisor_setting_save(
        site=sites[site],
        advisor=AdvisorName.DELAY_RISK,
        actor=admin_user,
        mode=Mode.AUTO_APPLY,
        auto_apply_min_confidence=threshold,
    )


def test_advisory_by_default_nothing_is_applied(propose):
    recommendation = propose(confidence=0.99, freight_delta=20)
    assert recommendation.status == Outcome.RECOMMENDED and recommendation.is_open
    assert not ApprovalRequest.objects.exists()


def test_below_the_threshold_nothing_is_applied(propose, sites, admin_user):
    _auto(sites, admin_user, threshold=0.8)
    recommendation = propose(confidence=0.79, freight_delta=20)
    assert recommendation.status == Outcome.RECOMMENDED
    assert not ApprovalRequest.objects.exists()
    assert "below the auto-apply threshold" in AdvisorRun.objects.get(pk=recommendation.run_id).reason


def test_above_the_threshold_only_what_policy_lets_through(propose, sites, admin_user):
    _auto(sites, admin_user, threshold=0.8)
    # freight delta 20 is within the carrier-upgrade policy's straight-through bound (≤ 50)
    applied = propose(confidence=0.9, freight_delta=20)
    assert applied.status == Outcome.AUTO_APPLIED
    request = ApprovalRequest.objects.get(pk=applied.result["request_id"])
    assert request.status == RequestStatus.STRAIGHT_THROUGH
    assert AdvisorRun.objects.get(pk=applied.run_id).outcome == Outcome.AUTO_APPLIED
    # freight delta 400 needs an approver: stays a recommendation, nothing raised
    waiting = propose(confidence=0.99, freight_delta=400)
    assert waiting.status == Outcome.RECOMMENDED
    assert ApprovalRequest.objects.count() == 1
    assert "does not let this action through" in AdvisorRun.objects.get(pk=waiting.run_id).reason
    # a note (no action) is never auto-applied
    assert propose(confidence=0.99).status == Outcome.RECOMMENDED


def test_auto_apply_is_per_site(propose, sites, admin_user):
    _auto(sites, admin_user, threshold=0.5, site="CHI")
    assert propose(confidence=0.99, freight_delta=10).status == Outcome.RECOMMENDED  # BRU stays advisory
    assert propose(site="CHI", confidence=0.99, freight_delta=10).status == Outcome.AUTO_APPLIED


def test_every_run_is_logged_with_redacted_inputs(propose):
    recommendation = propose(confidence=0.7)
    run = AdvisorRun.objects.get(pk=recommendation.run_id)
    assert run.advisor == AdvisorName.DELAY_RISK and run.version == "test-1"
    assert run.inputs["partner_name"] == "<redacted>" and len(run.inputs_hash) == 64
    assert run.confidence == 0.7 and run.outcome == Outcome.RECOMMENDED
    assert run.reasons == ["Carrier late on 4 of the last 5 Mondays"]


def test_accept_raises_the_request_through_its_policy(propose, supervisor):
    recommendation = propose(confidence=0.6, freight_delta=400)
    accepted = recommendation_accept(recommendation_id=recommendation.pk, user=supervisor, reason="agreed")
    assert accepted.status == Outcome.ACCEPTED and accepted.decided_by == supervisor
    request = ApprovalRequest.objects.get(pk=accepted.result["request_id"])
    assert request.status == RequestStatus.PENDING  # people still approve it
    run = AdvisorRun.objects.get(pk=recommendation.run_id)
    assert (run.outcome, run.reason, run.decided_by) == (Outcome.ACCEPTED, "agreed", supervisor)
    assert AuditEntry.objects.filter(action="advisor.recommendation.accepted").exists()
    with pytest.raises(AdvisorError) as again:
        recommendation_accept(recommendation_id=recommendation.pk, user=supervisor)
    assert again.value.status == 409


def test_reject_needs_a_reason(propose, supervisor):
    recommendation = propose(confidence=0.6)
    with pytest.raises(AdvisorError) as missing:
        recommendation_reject(recommendation_id=recommendation.pk, user=supervisor, reason="  ")
    assert missing.value.status == 400
    rejected = recommendation_reject(recommendation_id=recommendation.pk, user=supervisor, reason="carrier is fine")
    assert (rejected.status, rejected.reason) == (Outcome.REJECTED, "carrier is fine")
    assert AdvisorRun.objects.get(pk=recommendation.run_id).outcome == Outcome.REJECTED


def test_a_user_of_another_site_cannot_act(propose, supervisor, display):
    chicago = propose(site="CHI", confidence=0.6)
    with pytest.raises(AdvisorError) as hidden:
        recommendation_accept(recommendation_id=chicago.pk, user=supervisor)
    assert hidden.value.status == 404
    brussels = propose(confidence=0.6)
    with pytest.raises(AdvisorError) as role:
        recommendation_reject(recommendation_id=brussels.pk, user=display, reason="no")
    assert role.value.status == 403


def test_the_same_proposal_again_keeps_one_open(propose, sites):
    first = propose(confidence=0.6)
    assert Recommendation.objects.filter(is_open=True).count() == 1
    assert first.is_open


def test_purge_keeps_recommendations(propose, settings):
    recommendation = propose(confidence=0.6)
    AdvisorRun.objects.update(created_at="2020-01-01T00:00:00Z")
    settings.RETENTION_ADVISOR_RUNS_DAYS = 30
    (report,) = retention_purge(kinds=["advisor_runs"])  # the hourly core.purge_expired, for this kind
    assert report.removed == 1
    recommendation.refresh_from_db()
    assert recommendation.run_id is None and recommendation.status == Outcome.RECOMMENDED
