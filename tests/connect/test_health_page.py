"""The integration health page warns about warehouses no site maps and shows the intake's answer time."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.mirror.models import Warehouse
from apps.mirror.services.webhooks import ANSWER_TIMES_KEY
from apps.sites.models import Site

pytestmark = pytest.mark.django_db


def mirrored_warehouse(odoo_id: int, code: str, name: str, **extra) -> Warehouse:
    return Warehouse.objects.create(odoo_id=odoo_id, code=code, name=name, synced_at=timezone.now(), **extra)


def test_unmapped_warehouse_is_a_warning_on_the_health_page(client, manager):
    Site.objects.filter(code="BRU").update(odoo_warehouse_id=1)
    mirrored_warehouse(1, "BRU", "Brussels DC")
    mirrored_warehouse(7, "ANT", "Antwerp DC")
    mirrored_warehouse(8, "OLD", "Old DC", is_archived=True)
    client.force_login(manager)
    html = client.get(reverse("health:integration")).content.decode()
    assert "▲ 1 Odoo warehouse no site maps: Antwerp DC (ANT)" in html
    assert "Brussels DC (BRU)" not in html and "Old DC" not in html


def test_intake_answer_time_is_measured_and_shown(client, manager, settings):
    from django.core.cache import cache

    cache.delete(ANSWER_TIMES_KEY)
    client.force_login(manager)
    assert "no webhook received yet" in client.get(reverse("health:integration")).content.decode()
    url = reverse("odoo-webhook", kwargs={"secret": settings.ODOO_WEBHOOK_SECRET})
    body = '{"_model": "stock.picking", "_id": 5, "id": 5, "write_date": "2026-12-02 10:00:00.123456"}'
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 202
    html = client.get(reverse("health:integration")).content.decode()
    assert "Webhook intake answer time" in html and "over the last 1" in html
