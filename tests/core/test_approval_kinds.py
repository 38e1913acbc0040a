"""The approval-kinds contract: a sibling app asks only for kinds it registered, and approvals
accepts their facts in policy conditions (the dock reschedule is the registered one)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.approvals.conditions import check_condition
from apps.core.approval_kinds import APPROVAL_KINDS, ApprovalAsk, approval_ask, kind_facts


def test_the_dock_reschedule_kind_is_registered_with_its_facts():
    assert "dock_reschedule" in APPROVAL_KINDS.names()
    assert {"shift_minutes", "across_days", "pickings"} <= set(kind_facts())
    check_condition({"field": "shift_minutes", "op": "gt", "value": 120})  # a policy may test it


def test_asking_for_an_unregistered_kind_is_a_configuration_error():
    ask = ApprovalAsk(kind="teleport", site_code="BRU", subject_id=1, title="?", dedupe_key="x", facts={})
    with pytest.raises(ImproperlyConfigured, match="teleport"):
        approval_ask(ask)
