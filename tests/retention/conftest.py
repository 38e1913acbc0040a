"""Retention fixtures: finished (and unfinished) records of every kind at chosen instants."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import (
    ApprovalEvent,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    RequestType,
    StepStatus,
)
from apps.cases.models import SEVERITY_RANK, Case, CaseEvent, Status
from apps.mirror.models import InboundEvent
from apps.outbound.models import DeliveryState, OutboundDelivery
from apps.writeback.models import OutboxAttempt, OutboxEffect, OutboxEntry

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the purge's "now" in these tests
_numbers = itertools.count(1)


def days_ago(days: float, seconds: float = 0) -> datetime:
    return NOW - timedelta(days=days, seconds=seconds)


@pytest.fixture
def make_case(sites):
    def make(*, resolved_at: datetime | None, opened_at: datetime | None = None, site: str = "BRU") -> Case:
        number = next(_numbers)
        opened_at = opened_at or (resolved_at or NOW) - timedelta(hours=5)
        case = Case.objects.create(
            site=sites[site],
            kind="picking_late",
            dedupe_key=f"retention-test:{number}",
            title=f"Case {number}",
            status=Status.RESOLVED if resolved_at else Status.OPEN,
            is_open=resolved_at is None,
            severity="medium",
            severity_rank=SEVERITY_RANK["medium"],
            opened_at=opened_at,
            last_seen_at=opened_at,
            acknowledged_at=opened_at + timedelta(minutes=30),
            resolved_at=resolved_at,
        )
        CaseEvent.objects.create(case=case, at=opened_at, kind=CaseEvent.Kind.DETECTED, text="detected")
        if resolved_at:
            CaseEvent.objects.create(case=case, at=resolved_at, kind=CaseEvent.Kind.RESOLVED, text="fixed")
        return case

    return make


@pytest.fixture
def make_request(sites):
    ensure_default_policies()

    def make(
        *,
        decided_at: datetime | None,
        status: str = RequestStatus.APPROVED,
        outbox_entry: OutboxEntry | None = None,
        site: str = "BRU",
    ) -> ApprovalRequest:
        number = next(_numbers)
        policy = ApprovalPolicy.objects.filter(request_type=RequestType.SHIPMENT_RELEASE, is_current=True).first()
        request = ApprovalRequest.objects.create(
            site=sites[site],
            request_type=RequestType.SHIPMENT_RELEASE,
            status=status if decided_at else RequestStatus.PENDING,
            title=f"Request {number}",
            dedupe_key=f"retention-test:{number}",
            odoo_model="stock.picking",
            odoo_id=number,
            policy=policy,
            route_name="test",
            control_model="single_step",
            condition_text="test",
            outbox_entry_id=outbox_entry.pk if outbox_entry else None,
        )
        created_at = (decided_at or NOW) - timedelta(hours=2)
        ApprovalRequest.objects.filter(pk=request.pk).update(created_at=created_at, decided_at=decided_at)
        step = ApprovalStep.objects.create(
            request=request,
            position=1,
            name="Finance",
            role="approver_finance",
            sla_minutes=60,
            reminder_minutes=30,
            status=StepStatus.APPROVED if decided_at else StepStatus.ACTIVE,
            activated_at=created_at,
            due_at=created_at + timedelta(hours=1),
            completed_at=decided_at,
        )
        ApprovalEvent.objects.create(request=request, kind="raised", message="raised")
        request.refresh_from_db()
        request.test_step = step  # type: ignore[attr-defined]
        return request

    return make


@pytest.fixture
def make_entry(db):
    def make(
        *, finished_at: datetime | None, status: str = OutboxEntry.Status.DONE, effect: bool = True
    ) -> OutboxEntry:
        number = next(_numbers)
        entry = OutboxEntry.objects.create(
            operation="release_delivery",
            odoo_model="stock.picking",
            odoo_id=number,
            idempotency_key=f"retention-test:{number}",
            cause_type="approval",
            cause_id=str(number),
            site_code="BRU",
            status=status if finished_at else OutboxEntry.Status.PENDING,
            created_at=(finished_at or NOW) - timedelta(minutes=5),
            finished_at=finished_at,
        )
        OutboxAttempt.objects.create(entry=entry, number=1, outcome="done", finished_at=finished_at)
        if effect:
            OutboxEffect.objects.create(entry=entry, odoo_model="stock.picking", odoo_id=number, write_date=finished_at)
        return entry

    return make


@pytest.fixture
def make_event(db):
    def make(*, received_at: datetime, status: str = InboundEvent.Status.PROCESSED) -> InboundEvent:
        event = InboundEvent.objects.create(
            dedupe_key=f"retention-test:{next(_numbers)}", odoo_model="stock.picking", odoo_id=1, status=status
        )
        InboundEvent.objects.filter(pk=event.pk).update(received_at=received_at)  # auto_now_add on insert
        return event

    return make


@pytest.fixture
def make_delivery(db):
    def make(*, last_attempt_at: datetime | None, state: str = DeliveryState.SENT) -> OutboundDelivery:
        return OutboundDelivery.objects.create(
            source="webhook",
            source_ref="1",
            url="https://receiver.example.com/hook",
            body="{}",
            state=state,
            attempts=1,
            max_attempts=12,
            timeout_s=10,
            created_at=(last_attempt_at or NOW) - timedelta(seconds=5),
            last_attempt_at=last_attempt_at,
            sent_at=last_attempt_at if state == DeliveryState.SENT else None,
        )

    return make
