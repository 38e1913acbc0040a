"""The upgrade: today's `escalation_step_min` and `escalate_to_role` become level-1 escalation policies, and the old
fields go. Run on a database migrated back to before the change, filled with the old shapes, then migrated forward."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("escalation", "0003_rotations_holidays_repeat_quiet_approval_policies"),
    ("cases", "0002_dock_clerk_role_choice"),
    ("approvals", "0001_initial"),
]
OLD_DEFINITION = {
    "routes": [
        {
            "name": "Over the credit limit",
            "when": {"field": "over_limit_pct", "op": "gte", "value": 10},
            "control_model": "single_step",
            "steps": [{"name": "Finance review", "role": "approver_finance", "sla_minutes": 120,
                       "escalate_to_role": "manager"}],
        }
    ]
}  # fmt: skip


@pytest.mark.slow  # migrates the test database back and forth
@pytest.mark.django_db(transaction=True)
def test_old_escalation_settings_become_level_one_policies():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    site = old.get_model("ct_sites", "Site").objects.create(code="MIG", name="Migration DC", timezone="Europe/Brussels")
    old.get_model("ct_sites", "Site").objects.create(code="TWO", name="Second DC")
    old.get_model("cases", "CaseSettings").objects.create(site=site, escalation_step_min=20, sla_high_min=45)
    old.get_model("approvals", "ApprovalPolicy").objects.create(
        request_type="shipment_release",
        site=None,
        version=1,
        is_current=True,
        name="Default",
        definition=OLD_DEFINITION,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from apps.approvals.models import ApprovalPolicy
    from apps.escalation.models import EscalationPolicy

    high = EscalationPolicy.objects.get(site__code="MIG", applies_to="case", severity="high")
    (level,) = high.levels.all()
    assert (level.number, level.delay_min, level.target_role) == (1, 45, "supervisor")
    assert (high.repeat_every_min, high.repeat_limit) == (20, 5)
    assert EscalationPolicy.objects.filter(site__code="MIG", applies_to="case").count() == 4  # one per severity
    finance = EscalationPolicy.objects.filter(applies_to="approval", request_type="shipment_release")
    assert sorted(finance.values_list("site__code", "step_name")) == [
        ("MIG", "Finance review"),
        ("TWO", "Finance review"),
    ]
    assert {(lv.delay_min, lv.target_role) for p in finance for lv in p.levels.all()} == {(0, "manager")}
    stored = ApprovalPolicy.objects.get(name="Default").definition
    assert "escalate_to_role" not in stored["routes"][0]["steps"][0]
