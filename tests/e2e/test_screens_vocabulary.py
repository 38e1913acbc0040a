"""What a supervisor and an approver read, in Chromium at wall and desk sizes: the decision tile and
the inbox rows say what a decision is about and show its figure whole; deliveries at risk come
first; the inbox pane is not empty; severity reads the same on the wall and the desk. Screenshots
go to var/screenshots/ for a person to look at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import SEVERITY_RANK, Case
from apps.core.vocabulary import SEVERITY
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.signin import add_session
from tests.e2e.test_live_filters import in_a_thread
from tests.wall.factories import delivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRODUCTS = ["[FURN_0789] Individual Workplace", "[FURN_8220] Four Person Desk", "[E-COM11] Cabinet with Doors"]


def count_request(site, number: int, before: float, counted: float):
    product = PRODUCTS[(number - 1) % len(PRODUCTS)]
    draft = RequestDraft(
        request_type=RequestType.INVENTORY_ADJUSTMENT, site=site, odoo_model="stock.quant", odoo_id=9000 + number,
        title=f"Count of {product} at WH/Stock: {before:g} → {counted:g}", dedupe_key=f"screens:count:{number}",
        facts={"variance_qty": counted - before, "variance_pct": abs(counted - before) / before * 100},
        context={"stock": [{"product": product, "location": "WH/Stock", "on_hand_before": before,
                            "counted": counted, "reserved": 0.0}], "already_applied": True},
        raised_by_rule="test",
    )  # fmt: skip
    return request_raise(draft=draft)


def credit_hold(site, number: int):
    draft = RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE, site=site, odoo_model="stock.picking", odoo_id=9500 + number,
        title=f"Release BRU/OUT/{number:05d} to Nordic Retail 00{number} (over credit limit)",
        dedupe_key=f"screens:credit:{number}",
        facts={"amount": 12400.0, "credit": 40000.0, "credit_limit": 50000.0, "over_limit_amount": 2400.0,
               "over_limit_pct": 24.0, "credit_ok": False},
        context={"picking": {"name": f"BRU/OUT/{number:05d}", "state": "assigned"},
                 "order": {"name": f"S{number:05d}", "amount": 12400.0, "state": "sale"},
                 "customer": {"name": f"Nordic Retail 00{number}", "tier": "TIER-B"}},
        raised_by_rule="test",
    )  # fmt: skip
    return request_raise(draft=draft)


def open_case(site, severity: str, title: str, opened_min_ago: int, sla_left_min: int, detail=None) -> Case:
    now = timezone.now()
    return Case.objects.create(
        site=site, kind="forward_shortage", dedupe_key=f"screens:{title}", title=title, severity=severity,
        severity_rank=SEVERITY_RANK[severity], opened_at=now - timedelta(minutes=opened_min_ago), last_seen_at=now,
        sla_due_at=now + timedelta(minutes=sla_left_min), detail=detail or {},
    )  # fmt: skip


@pytest.fixture
def floor(sites):
    """A busy Brussels floor: ready deliveries due before the one at risk, cases of every severity,
    and counts and credit holds waiting on a person who approves both."""
    ensure_default_policies()
    for number in range(8):
        delivery("BRU", due_in_minutes=5 + number * 5, state="assigned", customer=f"Ready Retail {number}")
    delivery("BRU", due_in_minutes=95, state="confirmed", customer="Waiting Wholesale")
    open_case(
        sites["BRU"],
        "critical",
        "[FURN_0789] Individual Workplace at 0, minimum 4 — BRU/Stock",
        150,
        -20,
        {"on_hand": 0.0, "minimum": 4.0},
    )
    open_case(sites["BRU"], "high", "Receipt BRU/IN/00031 late — expected Wed 09:00", 61, 30)
    open_case(sites["BRU"], "medium", "S00042 · Delivery BRU/OUT/00017 not ready — cutoff 16:00", 25 * 60, 600)
    open_case(sites["BRU"], "low", "Nobody assigned to internal BRU/INT/00004", 59, 400)
    person = user_upsert(
        username="fin.sup", password=PASSWORD, roles=[Role.APPROVER_FINANCE, Role.SUPERVISOR], sites=[sites["BRU"]]
    )
    in_a_thread(count_request, sites["BRU"], 1, 55, 127)
    for number in range(2, 12):
        in_a_thread(count_request, sites["BRU"], number, 40 + number, 90 + number * 3)
    in_a_thread(credit_hold, sites["BRU"], 3)
    return person


def signed_in_page(browser, server, user, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    add_session(context, server.url, user)
    return context.new_page()


def fully_visible(page, selector: str) -> bool:
    """Every element matching selector shows its whole text (not clipped, not ellipsised)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).every((el) => {
             const box = el.getBoundingClientRect(), parent = el.parentElement.getBoundingClientRect();
             return el.scrollWidth <= el.clientWidth + 1 && box.right <= parent.right + 1 && box.width > 0;
           })""",
        selector,
    )


def test_the_wall_says_what_each_decision_is_about_and_puts_risk_first(browser, web_server, floor, supervisor):
    page = signed_in_page(browser, web_server, supervisor, 1920, 1080)
    page.goto(f"{web_server.url}/wall/BRU/")
    page.wait_for_function("() => window.ControlTowerLive && window.ControlTowerLive.resyncs >= 1")
    screenshot(page, "wall-1920x1080-vocabulary")
    decisions = page.inner_text("#tile-decisions-BRU")
    assert "[FURN_0789] Individual Workplace" in decisions and "55 → 127, +131%" in decisions
    assert "Count of" not in decisions
    assert fully_visible(page, "#tile-decisions-BRU .item__figure")
    first_delivery = page.inner_text("#tile-ships_next-BRU .item >> nth=0")
    assert "Waiting Wholesale" in first_delivery and "not ready" in first_delivery
    on_fire = page.inner_text("#tile-on_fire-BRU")
    assert on_fire.index("[FURN_0789]") < on_fire.index("BRU/Stock")  # the product first
    assert "overdue by 20 min" in on_fire and "open 2 h 30 min" in on_fire
    chips = page.inner_text("#tile-on_fire-BRU .tile__chips")
    for level, label in SEVERITY.items():
        assert f"{label['symbol']} 1 {label['word'].lower()}" in chips, level
    page.context.close()


def test_inbox_rows_show_the_figure_whole_and_the_pane_is_not_empty(browser, web_server, floor):
    page = signed_in_page(browser, web_server, floor, 1400, 900)
    page.goto(f"{web_server.url}/approvals/")
    page.wait_for_selector("#approvals-detail .ap-detail")  # the first request, shown without a key press
    rows = page.query_selector_all(".ap-row")
    assert len(rows) == 12
    assert fully_visible(page, ".ap-row__figure") and fully_visible(page, ".ap-sla")
    assert "55 → 127, +131%" in page.inner_text("#approvals-inbox-list")
    assert "12,400 · 2,400 over limit" in page.inner_text("#approvals-inbox-list")
    screenshot(page, "approvals-inbox-desk-vocabulary")
    page.context.close()


def test_queue_severity_reads_as_on_the_wall(browser, web_server, floor, supervisor):
    page = signed_in_page(browser, web_server, supervisor, 1400, 900)
    page.goto(f"{web_server.url}/exceptions/?site=BRU")
    page.wait_for_selector(".case-row")
    badges = page.eval_on_selector_all(".case-row .sev-badge", "(els) => els.map((el) => el.textContent.trim())")
    assert sorted(badges) == sorted(f"{label['symbol']} {label['word']}" for label in SEVERITY.values())
    assert "overdue by 20 min" in page.inner_text("#case-rows")
    assert "0 of min 4" in page.inner_text("#case-rows .c-figure >> nth=0") and fully_visible(page, "td.c-figure")
    screenshot(page, "queue-desk-vocabulary")
    page.context.close()
