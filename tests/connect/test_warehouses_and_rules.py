"""Warehouse mapping and webhook rules, against the simulator (and a real Daphne for the round trip)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.audit.models import AuditEntry
from apps.cases.models import CaseSettings
from apps.connect.services.warehouses import sites_map_warehouses, warehouse_overview
from apps.connect.services.webhooks import (
    RULE_PREFIX,
    WATCHED_FIELDS,
    WebhookSetupError,
    intake_url,
    round_trip_check,
    webhook_rules_install,
    webhook_rules_remove,
)
from apps.odoo import setup as odoo_setup
from apps.odoo.config import OdooConfig
from apps.sites.models import Site


def client_for(simulator, login="admin", password="admin"):  # noqa: S107 (the simulator's demo login)
    return odoo_setup.probe_client(
        OdooConfig(url=simulator.url, database=simulator.database, login=login, password=password, transport="jsonrpc")
    )


def rules_in_odoo(simulator) -> dict[str, dict]:
    rows = simulator.call(
        "base.automation",
        "search_read",
        [["name", "like", RULE_PREFIX]],
        fields=["name", "active", "action_server_ids"],
        context={"active_test": False},
    )
    out = {}
    for row in rows:
        action = simulator.call("ir.actions.server", "read", row["action_server_ids"], fields=["webhook_url", "state"])[
            0
        ]
        out[row["name"].removeprefix(RULE_PREFIX)] = {**row, "url": action["webhook_url"], "state": action["state"]}
    return out


@pytest.mark.django_db
def test_mapping_creates_sites_with_odoos_codes_names_and_time_zones(simulator, django_user_model):
    admin_user = django_user_model.objects.create(username="ada")
    client = client_for(simulator)
    rows = warehouse_overview(client=client)
    by_code = {row.warehouse.code: row for row in rows}
    assert set(by_code) >= {"BRU", "CHI", "SIN"}
    assert (
        by_code["SIN"].timezone == "Asia/Singapore" and by_code["SIN"].warehouse.timezone_source == "warehouse address"
    )

    result = sites_map_warehouses(client=client, warehouse_ids=[r.warehouse.id for r in rows], actor=admin_user)
    sites = {s.odoo_warehouse_id: s for s in Site.objects.all()}
    assert len(result.created) == len(rows) and not result.updated
    for row in rows:
        site = sites[row.warehouse.id]
        assert (site.code, site.name, site.timezone) == (row.warehouse.code, row.warehouse.name, row.timezone)
        assert CaseSettings.objects.filter(site=site).exists()  # default thresholds and cutoffs
    assert AuditEntry.objects.filter(action="sites.mapped_from_odoo", actor=admin_user).exists()

    again = sites_map_warehouses(client=client, warehouse_ids=[r.warehouse.id for r in rows])
    assert not again.created and len(again.updated) == len(rows)
    assert Site.objects.count() == len(rows)


@pytest.mark.django_db
def test_a_hand_made_site_is_adopted_and_a_code_mapped_elsewhere_gets_a_suffix(simulator):
    hand_made = Site.objects.create(code="BRU", name="Brussels (made by hand)", timezone="UTC")
    Site.objects.create(code="SIN", name="Another Odoo's SIN", timezone="UTC", odoo_warehouse_id=4242)
    client = client_for(simulator)
    rows = {r.warehouse.code: r for r in warehouse_overview(client=client)}
    result = sites_map_warehouses(client=client, warehouse_ids=[rows["BRU"].warehouse.id, rows["SIN"].warehouse.id])
    hand_made.refresh_from_db()
    assert hand_made.odoo_warehouse_id == rows["BRU"].warehouse.id and hand_made.timezone == "Europe/Brussels"
    assert any("Site BRU existed without a warehouse" in w for w in result.warnings)
    assert Site.objects.get(odoo_warehouse_id=rows["SIN"].warehouse.id).code == f"SIN-{rows['SIN'].warehouse.id}"


@pytest.mark.django_db
def test_renamed_or_archived_warehouse_is_a_warning_not_a_crash(simulator):
    client = client_for(simulator)
    chi = next(r for r in warehouse_overview(client=client) if r.warehouse.code == "CHI")
    sites_map_warehouses(client=client, warehouse_ids=[chi.warehouse.id])
    simulator.call("stock.warehouse", "write", [chi.warehouse.id], {"name": "Chicago North", "active": False})
    try:
        row = next(r for r in warehouse_overview(client=client) if r.warehouse.id == chi.warehouse.id)
        assert any("archived in Odoo" in w for w in row.warnings)
        assert any("Renamed in Odoo: 'Chicago DC' is now 'Chicago North'" in w for w in row.warnings)
        result = sites_map_warehouses(client=client, warehouse_ids=[chi.warehouse.id, 99999])
        assert any("archived" in w for w in result.warnings)
        assert any("no warehouse with id 99999" in w for w in result.warnings)
        assert Site.objects.get(odoo_warehouse_id=chi.warehouse.id).is_active is False
    finally:
        simulator.call("stock.warehouse", "write", [chi.warehouse.id], {"name": "Chicago DC", "active": True})


@pytest.mark.django_db
def test_rules_are_created_once_then_updated_idempotently_and_removed(simulator, admin_user):
    admin = client_for(simulator)
    first = webhook_rules_install(client=admin, base_url="https://tower.example.com", actor=admin_user)
    assert sorted(first.created) == sorted(WATCHED_FIELDS) and not first.updated
    rules = rules_in_odoo(simulator)
    assert set(rules) == set(WATCHED_FIELDS)
    expected = intake_url("https://tower.example.com")
    assert all(r["url"] == expected and r["state"] == "webhook" and r["active"] for r in rules.values())

    again = webhook_rules_install(client=admin, base_url="https://tower.example.com", actor=admin_user)
    assert not again.created and not again.updated and sorted(again.unchanged) == sorted(WATCHED_FIELDS)

    moved = webhook_rules_install(client=admin, base_url="https://tower2.example.com", actor=admin_user)
    assert sorted(moved.updated) == sorted(WATCHED_FIELDS) and not moved.created
    rules = rules_in_odoo(simulator)
    assert len(rules) == len(WATCHED_FIELDS)
    assert all(r["url"] == intake_url("https://tower2.example.com") for r in rules.values())

    removed = webhook_rules_remove(client=admin, actor=admin_user)
    assert sorted(removed.removed) == sorted(WATCHED_FIELDS)
    assert rules_in_odoo(simulator) == {}
    actions = [e.action for e in AuditEntry.objects.order_by("id")]
    assert actions.count("odoo.webhook_rules_installed") == 3 and "odoo.webhook_rules_removed" in actions
    assert all("embedded-webhook-secret" not in e.subject for e in AuditEntry.objects.all())


@pytest.mark.django_db
def test_the_integration_user_cannot_install_rules_and_is_told_why(simulator):
    with pytest.raises(WebhookSetupError, match="needs Settings: Administration"):
        webhook_rules_install(client=client_for(simulator, "lowrights", "lowrights"), base_url="https://t.example")
    assert rules_in_odoo(simulator) == {}


@pytest.mark.django_db(transaction=True)
def test_round_trip_measures_the_webhook_latency(simulator, odoo, web_server):
    admin = client_for(simulator)
    webhook_rules_install(client=admin, base_url=web_server.url)
    try:
        trip = round_trip_check(client=admin, wait_s=10)
    finally:
        webhook_rules_remove(client=admin)
    assert trip.arrived, trip.message
    assert 0 < trip.latency_ms < 10000
    assert trip.message.startswith("The webhook arrived")


@pytest.mark.django_db(transaction=True)
def test_round_trip_says_when_odoo_cannot_reach_us_and_shows_polling(simulator, odoo, settings):
    admin = client_for(simulator)
    webhook_rules_install(client=admin, base_url="http://127.0.0.1:9")  # nothing listens there
    try:
        trip = round_trip_check(client=admin, wait_s=1)
    finally:
        webhook_rules_remove(client=admin)
    assert not trip.arrived
    assert "Odoo cannot reach this address" in trip.message
    assert f"every {settings.MIRROR_SYNC_EVERY_S} s" in trip.message


@pytest.mark.django_db
def test_command_non_interactive_path(simulator):
    out = io.StringIO()
    call_command(
        "connect_odoo",
        "--url",
        simulator.url,
        "--database",
        simulator.database,
        "--login",
        "admin",
        "--api-key",
        "demo-api-key",
        "--map-warehouses",
        "BRU,SIN",
        "--install-webhooks",
        "--intake-url",
        "https://tower.example.com",
        "--admin-login",
        "admin",
        "--admin-password",
        "admin",
        "--no-round-trip",
        stdout=out,
    )
    text = out.getvalue()
    assert "✔ Odoo answers at" in text and "✔ The user's access rights" in text
    assert f"ODOO_URL={simulator.url}" in text and "demo-api-key" not in text
    assert "created site BRU — Brussels DC (Europe/Brussels)" in text
    assert "created site SIN — Singapore DC (Asia/Singapore)" in text
    assert sorted(Site.objects.values_list("code", flat=True)) == ["BRU", "SIN"]
    assert "webhook rules — created: " in text
    webhook_rules_remove(client=client_for(simulator))


@pytest.mark.django_db
def test_command_fails_with_the_reason(simulator):
    out = io.StringIO()
    with pytest.raises(CommandError, match="not ready"):
        call_command(
            "connect_odoo",
            "--url",
            simulator.url,
            "--database",
            "nope",
            "--login",
            "admin",
            "--password",
            "admin",
            stdout=out,
        )
    assert "✖ Database, login and password or API key: This Odoo has no database named 'nope'." in out.getvalue()
    assert "What to do:" in out.getvalue()
