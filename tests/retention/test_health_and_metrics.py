"""What the purge did shows on the integration page (admins) and in /metrics."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from apps.core.retention.services import retention_purge
from tests.retention.conftest import NOW, days_ago

pytestmark = pytest.mark.django_db


def test_the_integration_page_shows_counts_per_kind(client, admin_user, manager, make_case):
    for day in range(3):
        make_case(resolved_at=days_ago(400 + day))
    client.force_login(admin_user)
    before = client.get("/health/integration/").content.decode()
    assert 'id="retention"' in before and "not run yet" in before

    retention_purge(now=NOW, batch_size=1, max_rows=2)  # two removed, one left past its period
    page = client.get("/health/integration/").content.decode()
    row = page.split('data-kind="cases"', 1)[1].split("</tr>", 1)[0]
    assert "Closed exception cases" in row and "RETENTION_CASES_DAYS" in row and "365 days" in row
    assert "<td>2</td>" in row  # removed last run, and in total
    assert "▲ 1" in row  # one still past its period
    assert "2026-11-30 12:00 UTC" in row

    client.force_login(manager)  # counts over every site: not for a site's manager
    assert 'id="retention"' not in client.get("/health/integration/").content.decode()


def test_metrics_show_removed_waiting_and_the_period(client, admin_user, make_case, make_event):
    for day in range(3):
        make_case(resolved_at=days_ago(400 + day))
    make_event(received_at=days_ago(31))
    retention_purge(now=NOW, max_rows=2)
    retention_purge(kinds=["cases"], now=NOW, max_rows=2)

    client.force_login(admin_user)
    body = client.get("/metrics").content.decode()
    samples = {
        (sample.name, sample.labels.get("kind")): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name.startswith("controltower_retention")
    }
    assert samples[("controltower_retention_removed_total", "cases")] == 3
    assert samples[("controltower_retention_last_removed", "cases")] == 1
    assert samples[("controltower_retention_waiting", "cases")] == 0
    assert samples[("controltower_retention_removed_total", "inbound_events")] == 1
    assert samples[("controltower_retention_period_days", "outbox")] == 90
    assert samples[("controltower_retention_last_run_timestamp_seconds", "cases")] == NOW.timestamp()
    assert ("controltower_retention_removed_total", "deliveries") in samples  # zero before anything goes
