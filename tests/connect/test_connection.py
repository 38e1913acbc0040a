"""The connection test names each failure in a warehouse admin's words (against the simulator)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from apps.connect.services.connection import ConnectionInput, connection_test
from tests.servers import free_port, serve_in_background


def given(simulator, **changes) -> ConnectionInput:
    values = {"url": simulator.url, "database": simulator.database, "login": "admin", "password": "admin"}
    values.update(changes)
    return ConnectionInput(timeout_s=3, **values)


@pytest.fixture
def not_odoo():
    """A web server that is not Odoo (answers 501 to POST, like python's http.server)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_error(501, "Unsupported method ('POST')")

        def log_message(self, *args):
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    serve_in_background(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_working_connection_passes_every_check_and_prints_the_settings(simulator):
    report = connection_test(given=given(simulator, password="", api_key="demo-api-key"))
    assert report.ok, [(c.key, c.summary) for c in report.checks]
    assert [c.ok for c in report.checks] == [True] * 5
    assert report.server_version == "17.0"
    assert f"ODOO_URL={simulator.url}" in report.env_lines
    assert f"ODOO_DATABASE={simulator.database}" in report.env_lines
    assert "ODOO_LOGIN=admin" in report.env_lines
    assert any(line.startswith("ODOO_API_KEY=") for line in report.env_lines)
    assert not any("demo-api-key" in line for line in report.env_lines)  # the secret is never echoed


def test_wrong_url_nothing_answers():
    report = connection_test(
        given=ConnectionInput(url=f"http://127.0.0.1:{free_port()}", database="x", login="a", password="b")
    )
    check = report.check("reachable")
    assert check.ok is False
    assert check.summary.startswith("Nothing answers at http://127.0.0.1:")
    assert "port" in check.fix and "firewall" in check.fix
    assert report.check("login").ok is None  # not tested


def test_an_address_that_is_not_odoo(not_odoo):
    report = connection_test(given=ConnectionInput(url=not_odoo, database="x", login="a", password="b", timeout_s=3))
    check = report.check("reachable")
    assert check.ok is False
    assert "not Odoo's API" in check.summary and "HTTP 501" in check.summary
    assert "without /web" in check.fix


def test_a_url_that_is_not_a_web_address():
    report = connection_test(given=ConnectionInput(url="odoo.example.com", database="x", login="a", password="b"))
    assert report.check("reachable").ok is False
    assert "not a web address" in report.check("reachable").summary


def test_wrong_database(simulator):
    report = connection_test(given=given(simulator, database="no_such_db"))
    check = report.check("login")
    assert report.check("reachable").ok and report.check("version").ok
    assert check.ok is False
    assert check.summary == "This Odoo has no database named 'no_such_db'."
    assert "Manage databases" in check.fix


def test_bad_password(simulator):
    report = connection_test(given=given(simulator, password="wrong"))
    check = report.check("login")
    assert check.ok is False
    assert check.summary == "Odoo refused the login 'admin' with this password."
    assert report.check("modules").ok is None


def test_revoked_api_key(simulator):
    report = connection_test(given=given(simulator, password="", api_key="revoked-key"))
    assert report.check("login").summary == "Odoo refused the login 'admin' with this API key."
    assert "not revoked" in report.check("login").fix


def test_missing_module(simulator):
    simulator.set_module_states(sale_stock="uninstalled", purchase_stock="uninstallable")
    try:
        report = connection_test(given=given(simulator))
    finally:
        simulator.set_module_states(sale_stock="installed", purchase_stock="installed")
    check = report.check("modules")
    assert check.ok is False and not report.ok
    assert "Sales and Warehouse Management (sale_stock) is not installed" in check.summary
    assert "Purchase Stock (purchase_stock) cannot be installed on this Odoo" in check.summary
    assert "open Apps" in check.fix and "'sale_stock'" in check.fix


def test_without_automation_rules_it_still_works_by_polling(simulator):
    simulator.set_module_states(base_automation="uninstalled")
    try:
        report = connection_test(given=given(simulator))
    finally:
        simulator.set_module_states(base_automation="installed")
    check = report.check("modules")
    assert check.ok is False and check.warning
    assert "by polling" in check.summary
    assert report.ok  # a warning, not a blocker


def test_missing_access_rights(simulator):
    """`lowrights` has Internal User only, as in the recordings (connection/04)."""
    report = connection_test(given=given(simulator, login="lowrights", password="lowrights"))
    assert report.check("login").ok and report.check("modules").ok
    check = report.check("rights")
    assert check.ok is False
    assert check.summary.startswith("'lowrights' may not read warehouses (stock.warehouse), read locations")
    assert "reschedule and validate transfers (stock.picking)" in check.summary
    assert "Settings → Users" in check.fix and "Inventory: Administrator" in check.fix
