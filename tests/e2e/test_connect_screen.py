"""The Odoo connection screen in Chromium at desk size: a failure and a success, screenshotted."""

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connection_screen_failure_then_success(page, web_server, admin_user, simulator):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, web_server.url, admin_user)
    page.goto(f"{web_server.url}/settings/odoo/")

    page.fill("#id_url", simulator.url)
    page.fill("#id_database", "warehouse_prod")
    page.fill("#id_login", "admin")
    page.fill("#id_secret", "demo-api-key")
    page.click("text=Test the connection >> nth=-1")
    page.wait_for_selector(".connect__verdict")
    assert "Not ready yet" in page.inner_text(".connect__verdict")
    assert "This Odoo has no database named 'warehouse_prod'." in page.inner_text(".connect__checks")
    assert page.input_value("#id_secret") == ""  # the secret is not sent back
    screenshot(page, "connect-failure")

    page.fill("#id_database", simulator.database)
    page.fill("#id_secret", "demo-api-key")
    page.click("text=Test the connection >> nth=-1")
    page.wait_for_selector(".connect__verdict.ok")
    assert "ODOO_DATABASE=" in page.inner_text(".connect__env")
    screenshot(page, "connect-success")


def test_mapping_warehouses_through_the_screen(page, live_server, admin_user, simulator, odoo):
    """The configured Odoo's warehouses, mapped to sites with one click; a renamed one is a warning."""
    from apps.sites.models import Site

    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, admin_user)
    page.goto(f"{live_server.url}/settings/odoo/")
    page.click("text=List Odoo's warehouses")
    page.wait_for_selector("#warehouses table")
    assert "Singapore DC" in page.inner_text("#warehouses table")
    page.click("text=Create or update the sites")
    page.wait_for_selector(".flash")
    assert "Sites created: " in page.inner_text("main")
    assert Site.objects.filter(odoo_warehouse_id__isnull=False).count() >= 3
    sin = Site.objects.get(code="SIN")
    assert sin.timezone == "Asia/Singapore"

    simulator.call("stock.warehouse", "write", [sin.odoo_warehouse_id], {"name": "Singapore Tuas"})
    try:
        page.goto(f"{live_server.url}/settings/odoo/warehouses/")
        assert "Renamed in Odoo: 'Singapore DC' is now 'Singapore Tuas'" in page.inner_text("#warehouses table")
        screenshot(page, "connect-warehouses")
    finally:
        simulator.call("stock.warehouse", "write", [sin.odoo_warehouse_id], {"name": "Singapore DC"})
