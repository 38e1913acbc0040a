"""Decisions made while Odoo is down reach it at once when it answers again, oldest first, once."""

import pytest
from django.utils import timezone

from apps.odoo.config import OdooConfig
from apps.odoo.errors import OdooConnectionError
from apps.odoo.resilience import get_breaker
from apps.writeback.models import OutboxEntry
from apps.writeback.recovery import outbox_recover
from apps.writeback.services import outbox_run_due
from tests.writeback.test_faults import open_deliveries

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEntry.Status
OUTAGE_S = 600.0  # ended by the test, so a busy machine cannot end it before the decisions are made


def test_entries_that_waited_on_odoo_go_as_soon_as_it_answers_again_oldest_first(outbox, simulator, faults, settings):
    settings.WRITEBACK_BACKOFF_BASE_S = 30  # the production backoff: without recovery they would wait 15–30 s
    pickings = open_deliveries(simulator, 6)
    faults(down_for_seconds=OUTAGE_S)
    entries = [
        outbox.enqueue(
            operation="post_message", odoo_model="stock.picking", odoo_id=picking, arguments={"body": f"Note {n}"}
        )
        for n, picking in enumerate(pickings)
    ]
    for entry in entries:
        assert outbox.run(entry).status == Status.PENDING  # Odoo down: a retry in 15–30 s
    assert outbox_recover() == []  # still down: nothing released, nothing sent

    faults(down_for_seconds=0)  # Odoo answers again
    back = timezone.now()
    released = outbox_recover()
    outbox_run_due()

    assert released == [entry.pk for entry in entries]  # in the order they were decided
    done = OutboxEntry.objects.filter(pk__in=released)
    assert set(done.values_list("status", flat=True)) == {Status.DONE}
    assert all((entry.finished_at - back).total_seconds() < 5 for entry in done)
    for picking, entry in zip(pickings, entries, strict=True):  # each note once
        messages = simulator.call("mail.message", "search_count", [["res_id", "=", picking], ["body", "ilike", "Note"]])
        assert messages == 1, entry
    assert outbox_recover() == []  # nothing waits any more


def test_the_health_page_shows_no_old_error_beside_a_closed_breaker(client, manager, odoo):
    breaker = get_breaker(OdooConfig.from_settings())
    breaker.reset()

    def refused():
        raise OdooConnectionError("Odoo refused the connection at 14:02")

    with pytest.raises(OdooConnectionError):
        breaker.call(refused)
    assert breaker.status()["state"] == "closed" and breaker.status()["last_error"]
    client.force_login(manager)
    page = client.get("/health/integration/").content.decode()
    assert "✔ closed" in page and "Odoo refused the connection at 14:02" not in page
