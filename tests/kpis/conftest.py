"""KPI fixtures: hand-made history (cases, approval requests, transfers) at fixed past instants."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalPolicy, ApprovalRequest, RequestStatus, RequestType
from apps.cases.models import SEVERITY_RANK, Case, Status

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_case(sites):
    """A case opened (and maybe acknowledged or resolved) at given instants."""

    def make(
        *,
        opened_at: datetime,
        site: str = "BRU",
        severity: str = "medium",
        acknowledged_at: datetime | None = None,
        resolved_at: datetime | None = None,
        kind: str = "picking_late",
    ) -> Case:
        number = next(_numbers)
        return Case.objects.create(
            site=sites[site],
            kind=kind,
            dedupe_key=f"kpi-test:{number}",
            title=f"Case {number}",
            status=Status.RESOLVED if resolved_at else Status.OPEN,
            is_open=resolved_at is None,
            severity=severity,
            severity_rank=SEVERITY_RANK[severity],
            opened_at=opened_at,
            last_seen_at=opened_at,
            acknowledged_at=acknowledged_at,
            resolved_at=resolved_at,
        )

    return make


@pytest.fixture
def make_decided_request(sites):
    """An approval request raised and decided at given instants (history, not a live decision)."""
    ensure_default_policies()

    def make(*, created_at: datetime, decided_at: datetime | None, site: str = "BRU") -> ApprovalRequest:
        number = next(_numbers)
        policy = ApprovalPolicy.objects.filter(request_type=RequestType.SHIPMENT_RELEASE, is_current=True).first()
        request = ApprovalRequest.objects.create(
            site=sites[site],
            request_type=RequestType.SHIPMENT_RELEASE,
            status=RequestStatus.APPROVED if decided_at else RequestStatus.PENDING,
            title=f"Request {number}",
            dedupe_key=f"kpi-test:{number}",
            odoo_model="stock.picking",
            odoo_id=number,
            policy=policy,
            route_name="test",
            control_model="single_step",
            condition_text="test",
        )
        # created_at is set on insert; history needs its own instants.
        ApprovalRequest.objects.filter(pk=request.pk).update(created_at=created_at, decided_at=decided_at)
        return request

    return make
