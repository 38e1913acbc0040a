"""Decisions: single and multi-step approval, four-eyes, rejection, information, delegation, bulk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.models import ApprovalDecision, Delegation, RequestStatus, RequestType, StepStatus
from apps.approvals.selectors import inbox_for
from apps.approvals.services.decisions import (
    DecisionRefused,
    bulk_approve,
    delegation_create,
    request_acknowledge,
    request_approve,
    request_ask_info,
    request_delegate,
    request_provide_info,
    request_reject,
)
from apps.audit.models import AuditEntry
from apps.writeback.models import OutboxEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def inbox_ids(user):
    return [row.pk for row in inbox_for(user)["rows"]]


def test_single_step_approval_queues_the_effect_in_the_same_transaction(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    assert request.status == RequestStatus.PENDING and request.active_role == "approver_finance"
    assert OutboxEntry.objects.count() == 0

    request = request_approve(request=request, user=people["finance"], shown={"screen": "inbox"})

    assert request.status == RequestStatus.APPROVED and request.decided_at
    entry = OutboxEntry.objects.get()
    assert (entry.operation, entry.odoo_id, entry.cause_id) == ("release_delivery", request.odoo_id, str(request.pk))
    assert entry.idempotency_key == f"approval:{request.pk}:effect" and request.outbox_entry_id == entry.pk
    audit = AuditEntry.objects.get(action="approval.approved")
    assert audit.actor == people["finance"] and audit.policy_version == request.policy.label
    assert audit.data["condition"] == request.condition_text and audit.data["shown"] == {"screen": "inbox"}
    assert inbox_ids(people["finance"]) == []


def test_a_failed_effect_rolls_the_decision_back(make_request, people):
    bad = {"operation": "release_delivery", "odoo_model": "stock.picking", "odoo_id": 7, "arguments": {"warp": 9}}
    request = make_request(RequestType.SHIPMENT_RELEASE, effect=bad)
    with pytest.raises(Exception, match="Unknown arguments"):
        request_approve(request=request, user=people["finance"])
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not ApprovalDecision.objects.exists() and not OutboxEntry.objects.exists()


def test_multi_step_request_waits_on_each_role_in_order(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE)
    # only the first step's role sees it; later steps do not show what they cannot act on yet
    assert request.pk in inbox_ids(people["procurement"])
    assert request.pk not in inbox_ids(people["operations"]) and request.pk not in inbox_ids(people["finance"])
    with pytest.raises(DecisionRefused, match="waits on approver_procurement"):
        request_approve(request=request, user=people["finance"])

    request_approve(request=request, user=people["procurement"])
    assert request.pk in inbox_ids(people["operations"]) and request.pk not in inbox_ids(people["procurement"])
    request_approve(request=request, user=people["operations"])
    assert inbox_ids(people["finance"]) == [request.pk]
    assert not OutboxEntry.objects.exists()
    request = request_approve(request=request, user=people["finance"])

    assert request.status == RequestStatus.APPROVED
    assert list(request.steps.values_list("status", flat=True)) == ["approved"] * 3
    assert OutboxEntry.objects.count() == 1


def test_a_step_needing_two_approvals_waits_for_two_people(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE, facts={"amount": 25000.0})
    request_approve(request=request, user=people["procurement"])
    request_approve(request=request, user=people["operations"])
    request_approve(request=request, user=people["finance"])
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.active_step.position == 3
    with pytest.raises(DecisionRefused, match="already decided"):
        request_approve(request=request, user=people["finance"])
    assert request_approve(request=request, user=people["finance2"]).status == RequestStatus.APPROVED


def test_four_eyes_the_requester_never_approves_their_own_request(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE, requested_by=people["finance"])
    assert request.pk not in inbox_ids(people["finance"])
    with pytest.raises(DecisionRefused, match="You raised this request") as refused:
        request_approve(request=request, user=people["finance"])
    assert refused.value.status == 403
    assert request_approve(request=request, user=people["finance2"]).status == RequestStatus.APPROVED


def test_four_eyes_one_person_never_fills_two_steps(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE)
    request_approve(request=request, user=people["both"])  # procurement step
    request.refresh_from_db()
    assert request.active_role == "approver_operations"
    assert request.pk not in inbox_ids(people["both"])  # holds operations too, but filled step 1
    with pytest.raises(DecisionRefused, match="already decided a step"):
        request_approve(request=request, user=people["both"])
    request_approve(request=request, user=people["operations"])


def test_rejection_needs_a_reason_and_closes_every_later_step(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE)
    with pytest.raises(DecisionRefused, match="Say why"):
        request_reject(request=request, user=people["procurement"], reason="  ")
    request = request_reject(request=request, user=people["procurement"], reason="supplier cannot deliver")
    assert request.status == RequestStatus.REJECTED
    assert list(request.steps.values_list("status", flat=True)) == ["rejected", "skipped", "skipped"]
    assert not OutboxEntry.objects.exists()
    assert AuditEntry.objects.get(action="approval.rejected").data["reason"] == "supplier cannot deliver"
    with pytest.raises(DecisionRefused, match="rejected"):
        request_approve(request=request, user=people["procurement"])


def test_a_supervisor_step_needs_the_reason_captured(make_request, people):
    request = make_request(RequestType.INVENTORY_ADJUSTMENT)
    with pytest.raises(DecisionRefused, match="needs a reason"):
        request_approve(request=request, user=people["supervisor"])
    request = request_approve(request=request, user=people["supervisor"], reason="recount confirmed the loss")
    assert request.status == RequestStatus.APPROVED


def test_asking_for_information_puts_the_request_with_the_requester_until_answered(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE, requested_by=people["supervisor"])
    request_ask_info(request=request, user=people["finance"], question="Is a prepayment on its way?")
    request.refresh_from_db()
    assert request.status == RequestStatus.INFO_REQUESTED
    assert inbox_ids(people["finance"]) == [] and inbox_ids(people["supervisor"]) == [request.pk]
    with pytest.raises(DecisionRefused, match="Only the requester"):
        request_provide_info(request=request, user=people["finance2"], answer="yes")
    request_provide_info(request=request, user=people["supervisor"], answer="Paid this morning")
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    # the person who asked may still decide: asking fills no step
    assert request_approve(request=request, user=people["finance"]).status == RequestStatus.APPROVED


def test_delegating_one_request_lets_the_delegate_decide_it_on_behalf_until_the_end(make_request, people, display):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    other = make_request(RequestType.SHIPMENT_RELEASE)
    delegate = people["supervisor"]  # no finance role of their own
    later = timezone.now() + timedelta(hours=1)
    with pytest.raises(DecisionRefused, match="holds no approving role"):
        request_delegate(request=request, user=people["finance"], to_user=display, until=later)
    with pytest.raises(DecisionRefused, match="not a member of BRU"):
        request_delegate(request=request, user=people["finance"], to_user=people["chi_finance"], until=later)

    request_delegate(
        request=request, user=people["finance"], to_user=delegate, until=timezone.now() + timedelta(hours=4)
    )

    assert inbox_ids(delegate) == [request.pk]  # only the delegated request, not `other`
    request = request_approve(request=request, user=delegate)
    decision = ApprovalDecision.objects.get(request=request, kind="approve")
    assert (decision.user, decision.on_behalf_of) == (delegate, people["finance"])
    assert other.pk in inbox_ids(people["finance"])


def test_a_period_delegation_covers_every_request_and_expires(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    now = timezone.now()
    delegation = delegation_create(
        delegator=people["finance"],
        delegate=people["manager"],
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=1),
        reason="holiday",
    )
    assert request.pk in inbox_ids(people["manager"])
    delegation.ends_at = now - timedelta(seconds=1)
    delegation.save()
    assert request.pk not in inbox_ids(people["manager"])
    with pytest.raises(DecisionRefused):
        request_approve(request=request, user=people["manager"])


def test_the_delegator_and_delegate_count_as_one_person_for_four_eyes(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE)
    delegation_create(
        delegator=people["procurement"],
        delegate=people["operations"],
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    request_approve(request=request, user=people["operations"])  # step 1, on behalf of procurement
    request.refresh_from_db()
    assert request.active_role == "approver_operations"
    with pytest.raises(DecisionRefused, match="already decided"):
        request_approve(request=request, user=people["operations"])


def test_acknowledged_and_decided_times_are_both_kept(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    assert request_acknowledge(request=request, user=people["operations"]) is False  # not theirs to act on
    assert request_acknowledge(request=request, user=people["finance"]) is True
    assert request_acknowledge(request=request, user=people["finance"]) is False
    request.refresh_from_db()
    acknowledged = request.acknowledged_at
    assert acknowledged and request.active_step.acknowledged_at == acknowledged
    request = request_approve(request=request, user=people["finance"])
    assert request.acknowledged_at == acknowledged and request.decided_at >= acknowledged


def test_bulk_approve_takes_only_low_risk_requests(make_request, people):
    low = [
        make_request(RequestType.SHIPMENT_RELEASE, facts={"over_limit_amount": 10.0, "over_limit_pct": 1.0})
        for _ in range(3)
    ]
    high = make_request(RequestType.SHIPMENT_RELEASE)
    assert all(r.is_low_risk for r in low) and not high.is_low_risk
    result = bulk_approve(request_ids=[r.pk for r in low] + [high.pk, 999999], user=people["finance"])
    assert sorted(result["approved"]) == sorted(r.pk for r in low)
    assert {item["id"] for item in result["refused"]} == {high.pk, 999999}
    assert OutboxEntry.objects.count() == 3
    assert all(step == StepStatus.APPROVED for r in low for step in r.steps.values_list("status", flat=True))


def test_straight_through_is_recorded_as_such_with_its_effect(make_request, people):
    request = make_request(
        RequestType.ORDER_RELEASE, facts={"stock_ready": True, "credit_ok": True, "carrier_set": True}
    )
    assert request.status == RequestStatus.STRAIGHT_THROUGH and request.decided_at
    assert not request.steps.exists()
    assert list(request.events.values_list("kind", flat=True)) == [
        "raised",
        "routed",
        "straight_through",
        "writeback_queued",
    ]
    assert OutboxEntry.objects.get().cause_id == str(request.pk)
    assert AuditEntry.objects.filter(action="approval.straight_through", subject=request.subject).exists()


def test_a_rule_raises_a_condition_once(make_request, people, sites):
    from apps.approvals.services.raising import RequestDraft, request_raise

    def draft():
        return RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE,
            site=sites["BRU"],
            odoo_model="stock.picking",
            odoo_id=1,
            title="x",
            dedupe_key="rule:once",
            facts={"over_limit_amount": 1.0, "over_limit_pct": 20.0},
        )

    first = request_raise(draft=draft())
    request_approve(request=first, user=people["finance"])
    assert request_raise(draft=draft()).pk == first.pk


def test_a_period_delegation_never_reaches_sites_the_delegate_is_not_a_member_of(make_request, people, sites):
    """Issue 16 finding 1: the delegate saw (and could be offered) requests of the delegator's other sites."""
    both = user_upsert(
        username="bea.both.sites", password=PASSWORD, roles=[Role.APPROVER_FINANCE], sites=[sites["BRU"], sites["CHI"]]
    )
    at_chi = make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    at_bru = make_request(RequestType.SHIPMENT_RELEASE)
    now = timezone.now()
    # created while allowed (they share BRU); CHI must stay out of the delegate's reach when used
    delegation_create(
        delegator=both,
        delegate=people["manager"],
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=1),
    )
    assert at_bru.pk in inbox_ids(people["manager"])
    assert at_chi.pk not in inbox_ids(people["manager"])
    with pytest.raises(DecisionRefused):
        request_approve(request=at_chi, user=people["manager"])

    # a delegate sharing no site with the delegator is refused when the delegation is made
    with pytest.raises(DecisionRefused, match="not a member of any site"):
        delegation_create(
            delegator=people["chi_finance"], delegate=people["manager"], starts_at=now, ends_at=now + timedelta(days=1)
        )
    # and one made before (or behind the service's back) still shows nothing of CHI
    Delegation.objects.create(
        delegator=people["chi_finance"], delegate=people["finance2"], starts_at=now, ends_at=now + timedelta(days=1)
    )
    assert at_chi.pk not in inbox_ids(people["finance2"])
