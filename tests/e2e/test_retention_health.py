"""The retention table on the integration health page, in Chromium: what the purge removed, per kind,
readable at desk, laptop and tablet sizes."""

import os

import pytest

from apps.cases.models import Case
from apps.core.retention.services import retention_purge
from apps.mirror.models import InboundEvent
from tests.e2e.signin import sign_in
from tests.retention.conftest import NOW, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = os.environ.get("CT_SCREENS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots"))
SIZES = {"tv": (1920, 1080), "desk": (1366, 768), "tablet": (768, 1024)}


def test_an_admin_sees_what_retention_removed(page, live_server, admin_user, sites):
    for day in range(5):
        resolved = days_ago(400 + day)
        Case.objects.create(
            site=sites["BRU"], kind="picking_late", dedupe_key=f"e2e-retention:{day}", title=f"Case {day}",
            status="resolved", is_open=False, opened_at=resolved, last_seen_at=resolved, resolved_at=resolved,
        )  # fmt: skip
    for day in range(3):
        event = InboundEvent.objects.create(dedupe_key=f"e2e-retention:{day}", status="processed")
        InboundEvent.objects.filter(pk=event.pk).update(received_at=days_ago(40 + day))
    retention_purge(now=NOW, max_rows=4)

    sign_in(page, live_server.url, admin_user)
    page.goto(f"{live_server.url}/health/integration/#retention")
    cases = page.locator("#retention-table tr[data-kind=cases]")
    assert "Closed exception cases" in cases.inner_text()
    assert "365 days" in cases.inner_text() and "▲ 1" in cases.inner_text()
    assert "forever" not in page.inner_text("#retention-table")
    os.makedirs(SCREENS, exist_ok=True)
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#retention").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SCREENS, f"retention-health-{name}.png"))
