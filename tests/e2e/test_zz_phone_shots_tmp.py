import pytest
from django.test import Client
from tests.e2e.test_accessibility import screens_data, _in_a_thread  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = "/work/notes/shots/a11y/"


def test_shots(browser, web_server, screens_data, supervisor, approver):
    for user, urls in ((approver, ["/approvals/", "/approvals/{request}/"]), (supervisor, ["/exceptions/", "/exceptions/{case}/", "/approvals/"])):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=1)
        client = Client(); client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": web_server.url}])
        page = context.new_page()
        for url in urls:
            page.goto(web_server.url + url.format(**screens_data), wait_until="load")
            page.wait_for_timeout(500)
            sw = page.evaluate("() => document.documentElement.scrollWidth")
            name = user.username + url.format(**screens_data).replace("/", "_")
            print("SHOT", name, "scrollWidth", sw)
            page.screenshot(path=OUT + "before-" + name + ".png", full_page=True)
        context.close()
