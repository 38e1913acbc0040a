"""Retries, the circuit breaker and JSON-2 against the simulator, driven by its fault knobs."""

import time

import pytest

from apps.odoo import errors

from .conftest import API_KEY


def test_reads_retry_server_errors_then_give_up(make_odoo, set_faults):
    set_faults(error_rate={"search_count": 1.0}, error_mode="server_error")
    odoo = make_odoo(attempts=3)
    with pytest.raises(errors.OdooServerError) as caught:
        odoo.search_count("stock.picking", [])
    assert caught.value.transient is True
    assert "SerializationFailure" in caught.value.odoo_name
    assert len(odoo.sleeps) == 2  # 3 attempts, 2 waits
    assert all(0 <= delay <= 0.05 for delay in odoo.sleeps)


def test_reads_recover_from_intermittent_errors(make_odoo, set_faults):
    set_faults(error_rate={"search_count": 0.5}, error_mode="http_503")
    odoo = make_odoo(attempts=8)
    for _ in range(10):
        assert odoo.search_count("stock.picking", []) > 0
    assert odoo.sleeps, "the seeded 50% error rate caused no retry"


def test_dropped_connection_on_a_read_is_retried(make_odoo, set_faults):
    set_faults(error_rate={"search_read": 1.0}, error_mode="drop")
    odoo = make_odoo(attempts=2)
    with pytest.raises(errors.OdooTimeout):
        odoo.search_read("stock.picking", [], ["name"], limit=1)
    assert len(odoo.sleeps) == 1


def test_dropped_connection_on_a_write_is_not_repeated(make_odoo, set_faults):
    odoo = make_odoo(attempts=5)
    picking_id = odoo.search("stock.picking", [], limit=1)[0]
    set_faults(error_rate={"write": 1.0}, error_mode="drop")
    with pytest.raises(errors.OdooTimeout, match="re-read the record"):
        odoo.write("stock.picking", [picking_id], {"origin": "maybe written"})
    assert odoo.sleeps == []


def test_503_on_a_write_is_retried(make_odoo, set_faults):
    odoo = make_odoo(attempts=4)
    picking_id = odoo.search("stock.picking", [], limit=1)[0]
    set_faults(error_rate={"write": 0.5}, error_mode="http_503")
    for i in range(5):
        assert odoo.write("stock.picking", [picking_id], {"origin": f"retry {i}"}) is True


def test_breaker_opens_on_downtime_then_closes(make_odoo, set_faults):
    odoo = make_odoo(attempts=1, fail_max=3, reset_timeout_s=0.6)
    assert odoo.search_count("stock.picking", []) > 0  # logged in before the outage
    set_faults(down_for_seconds=0.8, down_mode="refuse")
    time.sleep(0.2)  # let the listener close

    for _ in range(3):
        with pytest.raises((errors.OdooConnectionError, errors.OdooTimeout)):
            odoo.search_count("stock.picking", [])
    assert odoo.breaker_status()["state"] == "open"
    started = time.perf_counter()
    with pytest.raises(errors.OdooUnavailable, match="Odoo unreachable since"):
        odoo.search_count("stock.picking", [])
    assert time.perf_counter() - started < 0.05  # fails fast

    time.sleep(1.0)  # outage over and reset timeout elapsed: the trial call goes through
    assert odoo.search_count("stock.picking", []) > 0
    status = odoo.breaker_status()
    assert status["state"] == "closed"
    assert status["failure_count"] == 0
    assert status["last_error"]


def test_half_open_trial_failure_reopens(make_odoo, set_faults):
    odoo = make_odoo(attempts=1, fail_max=2, reset_timeout_s=0.3)
    odoo.authenticate()
    set_faults(error_rate={"search_count": 1.0}, error_mode="http_503")
    for _ in range(2):
        with pytest.raises(errors.OdooServerError):
            odoo.search_count("stock.picking", [])
    assert odoo.breaker_status()["state"] == "open"
    time.sleep(0.35)
    with pytest.raises(errors.OdooServerError):  # the trial call, still failing
        odoo.search_count("stock.picking", [])
    assert odoo.breaker_status()["state"] == "open"


# --- JSON-2 ------------------------------------------------------------------------------------


def test_json2_reads_and_writes(make_odoo):
    odoo = make_odoo(transport="json2", api_key=API_KEY, password="")
    assert odoo.authenticate() == 2
    rows = odoo.search_read("stock.picking", [], ["name", "state"], order="id asc", limit=3)
    assert len(rows) == 3
    assert odoo.read("stock.picking", [rows[0]["id"]], ["name"]) == [{"id": rows[0]["id"], "name": rows[0]["name"]}]
    assert odoo.search_count("stock.picking", []) >= 3
    partner_id = odoo.create("res.partner", {"name": "JSON-2 partner"})
    assert isinstance(partner_id, int)
    assert odoo.write("res.partner", [partner_id], {"name": "JSON-2 partner (edited)"}) is True
    assert odoo.read("res.partner", [partner_id], ["name"])[0]["name"] == "JSON-2 partner (edited)"


@pytest.mark.parametrize(
    "call,expected",
    [
        (lambda o: o.write("stock.picking", [999999], {"origin": "x"}), errors.OdooMissingError),
        (lambda o: o.search_read("no.such.model", [], ["name"]), errors.OdooUnknownModelOrMethod),
        (lambda o: o.call("stock.picking", "no_such_method", [1]), errors.OdooUnknownModelOrMethod),
        (lambda o: o.write("stock.picking", [1], {"priority": "7"}), errors.OdooValidationError),
    ],
)
def test_json2_typed_errors(make_odoo, call, expected):
    odoo = make_odoo(transport="json2", api_key=API_KEY)
    with pytest.raises(expected):
        call(odoo)


def test_json2_wrong_key_is_access_denied(make_odoo):
    with pytest.raises(errors.OdooAccessDenied):
        make_odoo(transport="json2", api_key="wrong-key").authenticate()
