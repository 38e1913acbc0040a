"""Phones (390×844, touch): an approver clears a request from the inbox and a supervisor acknowledges
an exception from the queue with taps only; the page never scrolls sideways, the controls a decision
needs are big enough to hit, and the screens pass axe-core at that size too. Single-key shortcuts
can be turned off, and never fire while typing."""

import pytest

from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.cases.models import Case
from tests.e2e.conftest import screenshot
from tests.e2e.signin import add_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
TOUCH_TARGET_PX = 44


# Cells whose text wraps inside a word: each word measured alone must fit on one line of its cell.
WORDS_BROKEN = """(selector) => Array.from(document.querySelectorAll(selector)).flatMap((cell) => {
  const range = document.createRange();
  const broken = [];
  for (const node of Array.from(cell.childNodes).flatMap((n) => n.nodeType === 3 ? [n] : Array.from(n.childNodes))) {
    if (node.nodeType !== 3) continue;
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (range.getClientRects().length > 1) broken.push(match[0]);
    }
  }
  return broken;
})"""


def signed_in(browser, server, user, **options):
    context = browser.new_context(**options)
    add_session(context, server.url, user)
    return context, context.new_page()


TOO_SMALL_JS = """([selector, minimum]) => Array.from(document.querySelectorAll(selector))
    .filter(el => el.offsetParent !== null)
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.height < minimum || box.width < minimum)
    .map(([el, box]) => (el.textContent.trim() || el.outerHTML.slice(0, 60))
        + ` ${Math.round(box.width)}×${Math.round(box.height)}`)"""


def too_small(page, selector: str) -> list[str]:
    """Visible controls under `selector` smaller than a fingertip (44×44 px)."""
    return page.evaluate(TOO_SMALL_JS, [selector, TOUCH_TARGET_PX])


def test_an_approver_approves_from_the_inbox_on_a_phone(browser, web_server, axe, screens_data, approver):
    context, page = signed_in(browser, web_server, approver, **PHONE)
    try:
        page.goto(f"{web_server.url}/approvals/")
        row = f"#approval-{screens_data['request']}"
        page.tap(f"{row} .ap-row__link")
        panel = f"#approval-panel-{screens_data['request']}"
        page.wait_for_selector(panel)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert too_small(page, f"{panel} .ap-buttons button, .ap-row__link, .ap-touch button") == []
        assert "Over the credit limit" in page.inner_text(panel) or "credit" in page.inner_text(panel).lower()
        assert axe(page) == []
        screenshot(page, "phone-inbox-request")

        with page.expect_response(lambda response: response.url.endswith("/decide/")) as answer:
            page.tap(f"{panel} button[data-action=approve]")
        assert answer.value.status == 200, answer.value.text()
        page.wait_for_selector(row, state="detached")
        assert ApprovalRequest.objects.get(pk=screens_data["request"]).status == RequestStatus.APPROVED
        screenshot(page, "phone-inbox-approved")

        page.goto(f"{web_server.url}/approvals/{screens_data['request']}/")  # the request's own page
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert axe(page) == []
        screenshot(page, "phone-request-page")
    finally:
        context.close()


def test_a_supervisor_acknowledges_from_the_queue_on_a_phone(browser, web_server, axe, screens_data, supervisor):
    context, page = signed_in(browser, web_server, supervisor, **PHONE)
    case_id = screens_data["case"]
    try:
        page.goto(f"{web_server.url}/exceptions/")
        row = f"#case-{case_id}"
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        # A card, not a clipped table row: the exception and its age are on screen, one above the other.
        assert page.is_visible(f"{row} .case-title") and page.is_visible(f"{row} .c-aging")
        assert axe(page) == []
        screenshot(page, "phone-queue")

        page.tap(f"{row} .c-severity")  # a tap on the card opens its panel below, and scrolls to it
        panel = f"#case-panel-{case_id}"
        page.wait_for_selector(panel)
        assert too_small(page, f"{panel} .actions .btn, {panel} .action-forms summary") == []
        page.tap(f"{panel} button[data-action=acknowledge]")
        page.wait_for_selector(f"{panel} .tl--acknowledged")
        assert Case.objects.get(pk=case_id).status == "acknowledged"
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        screenshot(page, "phone-queue-acknowledged")

        page.goto(f"{web_server.url}/exceptions/{case_id}/")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        # The records read whole: a reference or a state never breaks in the middle of a word.
        assert page.evaluate(WORDS_BROKEN, "table.mini td") == []
        assert axe(page) == []
        screenshot(page, "phone-case")
    finally:
        context.close()


def test_single_key_shortcuts_can_be_turned_off_and_never_fire_while_typing(
    browser, web_server, screens_data, approver
):
    context, page = signed_in(browser, web_server, approver, viewport={"width": 1366, "height": 768})
    request_id = screens_data["request"]
    panel = f"#approval-panel-{request_id}"
    try:
        page.goto(f"{web_server.url}/approvals/")
        page.wait_for_selector(panel)  # the most urgent request is shown, without taking the focus
        page.click(f"{panel} textarea[name=reason]")
        page.keyboard.type("a r i")  # typing a reason is not approving, rejecting or asking
        assert page.input_value(f"{panel} textarea[name=reason]") == "a r i"

        page.click("#shortcuts-toggle button")  # off: a preference kept on the user, not the browser
        page.wait_for_selector("body[data-shortcuts=off]")
        approver.refresh_from_db()
        assert approver.keyboard_shortcuts is False
        assert not page.is_visible(".ap-keys")  # no hints for keys that do nothing
        page.wait_for_selector(panel)
        page.click("#approvals-inbox-list .ap-count")  # focus out of any field
        page.keyboard.press("a")
        page.wait_for_timeout(500)
        assert ApprovalRequest.objects.get(pk=request_id).status == RequestStatus.PENDING

        page.click("#shortcuts-toggle button")  # and back on: the same key approves
        page.wait_for_selector("body[data-shortcuts=on]")
        page.wait_for_selector(panel)
        page.click("#approvals-inbox-list .ap-count")
        with page.expect_response(lambda response: response.url.endswith(f"/approvals/{request_id}/decide/")) as answer:
            page.keyboard.press("a")
        assert answer.value.status == 200
        assert ApprovalRequest.objects.get(pk=request_id).status == RequestStatus.APPROVED
    finally:
        context.close()
