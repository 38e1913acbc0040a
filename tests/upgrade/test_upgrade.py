"""Upgrade from the previous release: its schema, filled with representative rows through the models
as they were then, migrated to the current head; the screens answer, the audit chain holds, nothing
is lost. The previous release is recorded in controltower/releases.py."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.audit.services import GENESIS
from controltower.releases import PREVIOUS
from tests.conftest import PASSWORD
from tests.databases import create_database, drop_database, is_postgres, using_database

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = [
    "/",
    "/exceptions/",
    "/approvals/",
    "/docks/",
    "/kpis/",
    "/health/integration/",
    "/settings/escalation/",
    "/settings/integrations/",
]
COUNTED = [
    "ct_sites.Site",
    "accounts.User",
    "mirror.Picking",
    "mirror.Partner",
    "cases.Case",
    "approvals.ApprovalRequest",
    "approvals.ApprovalStep",
    "writeback.OutboxEntry",
    "audit.AuditEntry",
]


@pytest.fixture
def scratch_database(tmp_path):
    """An empty database beside the test database, dropped afterwards."""
    if is_postgres():
        name = f"{connection.settings_dict['NAME']}_upgrade"
        create_database(name)
        yield name
        drop_database(name)
    else:
        yield tmp_path / "upgrade.sqlite3"


def previous_release_targets(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Our apps at the previous release; Django's and the libraries' at their leaf (same versions)."""
    ours = dict(PREVIOUS.targets())
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ours]
    return sorted([*ours.items(), *others])


def audit_chain(AuditEntry, actor, entries: list[tuple[str, str, dict]]) -> None:
    """Append entries as audit_record did at the previous release (same digest, same genesis)."""
    previous = GENESIS
    for action, subject, data in entries:
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor.pk,
            actor_label=actor.username,
            action=action,
            subject=subject,
            site_code="BRU",
            policy_version="",
            data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            previous_hash=previous,
        )
        content = {
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "subject": entry.subject,
            "site_code": entry.site_code,
            "policy_version": entry.policy_version,
            "data": entry.data,
            "previous_hash": entry.previous_hash,
        }
        encoded = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
        entry.entry_hash = hashlib.sha256(encoded.encode()).hexdigest()
        entry.save()
        previous = entry.entry_hash


def fill(apps) -> None:
    """Representative rows, written through the models of the previous release."""
    now = timezone.now()
    Site = apps.get_model("ct_sites", "Site")
    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")
    bru = Site.objects.create(code="BRU", name="Brussels DC", timezone="Europe/Brussels")
    Site.objects.create(code="CHI", name="Chicago DC", timezone="America/Chicago")
    admin = User.objects.create(username="ada.admin", password=make_password(PASSWORD), is_active=True)
    admin.groups.add(Group.objects.get(name="admin"))
    approver = User.objects.create(username="fay.finance", password=make_password(PASSWORD), is_active=True)
    approver.groups.add(Group.objects.get(name="approver_finance"))
    approver.sites.add(bru)

    Partner = apps.get_model("mirror", "Partner")
    Picking = apps.get_model("mirror", "Picking")
    partner = Partner.objects.create(odoo_id=9, name="Azure Interior", synced_at=now)
    pickings = [
        Picking.objects.create(
            odoo_id=100 + n,
            name=f"BRU/OUT/{n:05d}",
            state="assigned",
            picking_type_code="outgoing",
            partner_id=partner.pk,
            scheduled_date=now + timedelta(hours=n),
            synced_at=now,
        )
        for n in range(1, 4)
    ]

    Case = apps.get_model("cases", "Case")
    CaseSettings = apps.get_model("cases", "CaseSettings")
    CaseSettings.objects.create(site=bru, escalation_step_min=45)  # moved to escalation policies since
    Case.objects.create(
        site=bru,
        kind="late_picking",
        dedupe_key=f"late_picking:stock.picking:{pickings[0].odoo_id}",
        title=f"{pickings[0].name} is late",
        odoo_model="stock.picking",
        odoo_id=pickings[0].odoo_id,
        opened_at=now - timedelta(hours=1),
        last_seen_at=now,
    )

    Policy = apps.get_model("approvals", "ApprovalPolicy")
    Request = apps.get_model("approvals", "ApprovalRequest")
    Step = apps.get_model("approvals", "ApprovalStep")
    policy = Policy.objects.create(site=bru, request_type="shipment_release", version=1, name="Release", definition={})
    request = Request.objects.create(
        site=bru,
        request_type="shipment_release",
        title=f"Release {pickings[1].name} over the credit limit",
        dedupe_key=f"release:{pickings[1].odoo_id}",
        odoo_model="stock.picking",
        odoo_id=pickings[1].odoo_id,
        policy=policy,
        route_name="Over the credit limit",
        control_model="single",
        condition_text="credit over limit by 5,000.00",
        status="approved",
    )
    Step.objects.create(
        request=request,
        position=1,
        name="Finance",
        role="approver_finance",
        sla_minutes=60,
        reminder_minutes=30,
        escalate_to_role="manager",  # moved to escalation policies since
        status="approved",
    )

    Outbox = apps.get_model("writeback", "OutboxEntry")
    entry = Outbox.objects.create(
        operation="release_delivery",
        odoo_model="stock.picking",
        odoo_id=pickings[1].odoo_id,
        arguments={"ship_now": False},
        idempotency_key=f"approval:{request.pk}:effect",
        cause_type="approval",
        cause_id=str(request.pk),
        site_code="BRU",
        status="done",
        finished_at=now,
    )
    Outbox.objects.create(
        operation="post_message",
        odoo_model="stock.picking",
        odoo_id=pickings[2].odoo_id,
        arguments={"body": "Checked at the dock"},
        idempotency_key=f"case-note:{uuid.uuid4().hex}",
        cause_type="case_action",
        cause_id="1",
        site_code="BRU",
    )
    audit_chain(
        apps.get_model("audit", "AuditEntry"),
        approver,
        [
            ("approval.approved", f"approval:{request.pk}", {"condition": request.condition_text}),
            ("outbox.done", f"outbox:{entry.pk}", {"operation": entry.operation, "attempt": 1}),
            ("case.acknowledged", "case:1", {}),
        ],
    )


def counts(apps) -> dict[str, int]:
    return {label: apps.get_model(*label.split(".")).objects.count() for label in COUNTED}


def test_upgrade_from_the_previous_release_keeps_every_row_and_the_screens_answer(scratch_database, client, capsys):
    with using_database(scratch_database):
        executor = MigrationExecutor(connection)
        targets = previous_release_targets(executor)
        executor.migrate(targets)
        old_apps = executor.loader.project_state(targets).apps
        fill(old_apps)
        before = counts(old_apps)

        call_command("migrate", verbosity=0)

        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        from django.apps import apps as current_apps

        assert counts(current_apps) == before
        # The data migrations carried the old settings over (escalation policies per site).
        Policy = current_apps.get_model("escalation", "EscalationPolicy")
        assert Policy.objects.filter(site__code="BRU").exists()

        with pytest.raises(SystemExit) as verified:
            call_command("audit_verify")
        assert verified.value.code == 0, capsys.readouterr().out

        admin = current_apps.get_model("accounts", "User").objects.get(username="ada.admin")
        assert admin.check_password(PASSWORD)
        client.force_login(admin)
        answers = {path: client.get(path, follow=True).status_code for path in SCREENS}  # /docks/ opens a site
        assert answers == dict.fromkeys(SCREENS, 200)
        assert client.get("/readyz").status_code == 200
