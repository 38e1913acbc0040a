"""Live rows respect the list's filters, in a real browser: a new exception reaches every queue whose
filters it matches and no other (a search, "owner = me", "status = closed" used to receive every new
row); the same holds for the approval inbox filtered by type."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import SEVERITY_RANK, Case
from apps.cases.services.publishing import publish_case
from apps.live.groups import site_group
from apps.live.publisher import current_sequence
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.signin import add_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_a_thread(function, *args, **kwargs):
    """Playwright's sync API owns an event loop in this thread; publishing runs in another."""
    result, errors = [], []

    def run():
        try:
            result.append(function(*args, **kwargs))
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def open_page(browser, server, user, path, group="site.BRU"):
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    add_session(context, server.url, user)
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    page.wait_for_function(f"() => window.ControlTowerLive && '{group}' in window.ControlTowerLive.seqs")
    # The refetch that follows subscribing is done: a live row seen now stays unless the page drops it.
    page.wait_for_load_state("networkidle")
    return page


def new_case(site, *, title: str, status: str = "open", assignee=None) -> Case:
    now = timezone.now()
    return Case.objects.create(
        site=site, kind="late_receipt", dedupe_key=f"e2e-filters:{title}", title=title, severity="high",
        severity_rank=SEVERITY_RANK["high"], status=status, is_open=status == "open", assignee=assignee,
        record_name=title.split()[1], opened_at=now, last_seen_at=now, sla_due_at=now + timedelta(hours=2),
    )  # fmt: skip


def publish_and_wait(pages, case, event):
    """Publish the case's row, then wait until every page has applied that message."""
    in_a_thread(publish_case, case, event)
    seq = current_sequence(site_group("BRU"))
    for page in pages:
        page.wait_for_function(f"() => window.ControlTowerLive.seqs['site.BRU'] >= {seq}")
        page.wait_for_timeout(50)  # the live:event handlers run right after; let them finish


def test_a_filtered_queue_receives_only_the_live_rows_that_match_it(browser, web_server, sites, supervisor):
    queues = {
        "all open": "/exceptions/?site=BRU",
        "search": "/exceptions/?site=BRU&q=forklift",
        "mine": "/exceptions/?site=BRU&owner=me",
        "closed": "/exceptions/?site=BRU&status=closed",
    }
    pages = {name: open_page(browser, web_server, supervisor, path) for name, path in queues.items()}
    try:
        unrelated = new_case(sites["BRU"], title="Receipt BRU/IN/00077 late")  # open, nobody's, no forklift
        publish_and_wait(pages.values(), unrelated, "case.opened")
        assert pages["all open"].query_selector(f"#case-{unrelated.pk}") is not None
        for name in ("search", "mine", "closed"):
            assert pages[name].query_selector(f"#case-{unrelated.pk}") is None, name

        # A case about a forklift, assigned to this supervisor: the search and "mine" take it.
        matching = new_case(sites["BRU"], title="Receipt BRU/IN/00078 forklift", assignee=supervisor)
        publish_and_wait(pages.values(), matching, "case.opened")
        for name in ("all open", "search", "mine"):
            assert pages[name].query_selector(f"#case-{matching.pk}") is not None, name
        assert pages["closed"].query_selector(f"#case-{matching.pk}") is None

        # The unrelated case closes: it leaves the open queue and reaches the closed one.
        Case.objects.filter(pk=unrelated.pk).update(status="resolved", is_open=False)
        unrelated.refresh_from_db()
        publish_and_wait(pages.values(), unrelated, "case.resolved")
        assert pages["all open"].query_selector(f"#case-{unrelated.pk}") is None
        assert pages["closed"].query_selector(f"#case-{unrelated.pk}") is not None
        assert pages["search"].query_selector(f"#case-{unrelated.pk}") is None
        screenshot(pages["closed"], "queue-filtered-closed-live")
    finally:
        for page in pages.values():
            page.context.close()


def raise_request(site, request_type: str, number: int):
    facts = {
        RequestType.SHIPMENT_RELEASE: {"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
        RequestType.INVENTORY_ADJUSTMENT: {"variance_pct": 40.0, "variance_qty": -20.0},
    }[request_type]
    draft = RequestDraft(
        request_type=request_type, site=site, odoo_model="stock.picking", odoo_id=7000 + number,
        title=f"E2E request {number}", dedupe_key=f"e2e-filters:{number}", facts=facts,
        context={"picking": {"name": f"BRU/OUT/{number:05d}", "state": "assigned"}},
        effect={"operation": "release_delivery", "odoo_model": "stock.picking", "odoo_id": 7000 + number,
                "arguments": {}, "preconditions": {}, "summary": "Release to the floor"},
        raised_by_rule="test",
    )  # fmt: skip
    return request_raise(draft=draft)


def test_a_filtered_inbox_receives_only_the_requests_that_match_it(browser, web_server, sites):
    ensure_default_policies()
    # One person who decides both credit holds (finance) and inventory counts (supervisor).
    person = user_upsert(
        username="fin.sup", password=PASSWORD, roles=[Role.APPROVER_FINANCE, Role.SUPERVISOR], sites=[sites["BRU"]]
    )
    group = f"user.{person.pk}"
    everything = open_page(browser, web_server, person, "/approvals/", group)
    counts_only = open_page(browser, web_server, person, "/approvals/?type=inventory_adjustment", group)
    try:
        credit_hold = in_a_thread(raise_request, sites["BRU"], RequestType.SHIPMENT_RELEASE, 1)
        count = in_a_thread(raise_request, sites["BRU"], RequestType.INVENTORY_ADJUSTMENT, 2)
        assert credit_hold is not None and count is not None
        for page in (everything, counts_only):
            page.wait_for_selector(f"#approval-{count.pk}", timeout=10000)
        # the filtered inbox has applied both events: the credit hold is not in it
        assert counts_only.query_selector(f"#approval-{credit_hold.pk}") is None
        assert everything.query_selector(f"#approval-{credit_hold.pk}") is not None
        # and its pane is not left empty: the first request is shown beside the list
        counts_only.wait_for_selector(f"#approval-panel-{count.pk}")
    finally:
        everything.context.close()
        counts_only.context.close()
