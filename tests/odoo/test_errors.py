"""Every error recorded from a real Odoo 17 maps to the right typed error and flags."""

import json
import pickle
from pathlib import Path

import pytest

from apps.odoo import errors
from apps.odoo.errors import error_from_payload, http_status_error, uid_from_login_result

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "odoo17"

# file -> (expected class, transient). Every recorded error must be listed here.
EXPECTED = {
    "errors/access_error_private_method.json": (errors.OdooAccessError, False),
    "errors/access_error_read.json": (errors.OdooAccessError, False),
    "errors/access_error_write.json": (errors.OdooAccessError, False),
    "errors/bad_datetime_format.json": (errors.OdooValidationError, False),
    "errors/bad_selection_value.json": (errors.OdooValidationError, False),
    "errors/call_kw_session_user_error.json": (errors.OdooValidationError, False),
    "errors/malformed_jsonrpc.json": (errors.OdooServerError, False),
    "errors/missing_error_write.json": (errors.OdooMissingError, False),
    "errors/unknown_field_in_domain.json": (errors.OdooValidationError, False),
    "errors/unknown_field_in_read.json": (errors.OdooValidationError, False),
    "errors/unknown_field_in_write.json": (errors.OdooValidationError, False),
    "errors/unknown_method.json": (errors.OdooUnknownModelOrMethod, False),
    "errors/unknown_model.json": (errors.OdooUnknownModelOrMethod, False),
    "errors/unknown_service.json": (errors.OdooServerError, False),
    "errors/user_error_cancel_done.json": (errors.OdooValidationError, False),
    "errors/user_error_unlink_done.json": (errors.OdooValidationError, False),
    "errors/user_error_validate_nothing_reserved.json": (errors.OdooValidationError, False),
    "errors/validation_error_constraint.json": (errors.OdooValidationError, False),
    "errors/validation_error_required.json": (errors.OdooValidationError, False),
    "errors/validation_error_sql_unique.json": (errors.OdooValidationError, False),
    "auth/jsonrpc_execute_kw_wrong_password.json": (errors.OdooAccessDenied, False),
    "auth/session_authenticate_wrong_password.json": (errors.OdooAccessDenied, False),
    "auth/session_authenticate_unknown_db.json": (errors.OdooDatabaseNotFound, False),
    "auth/call_kw_no_cookie.json": (errors.OdooSessionExpired, False),
    "auth/call_kw_after_logout.json": (errors.OdooSessionExpired, False),
}
# Calls that look like failures but are answered with a result (contract "Key facts" 4 and 12).
NOT_ERRORS = {
    "errors/ids_as_int_accepted.json",
    "errors/missing_read_returns_empty.json",
    "errors/missing_search_read_is_empty.json",
}
# common.login / authenticate answer `false` on a wrong password, not an error.
LOGIN_FALSE = ["auth/jsonrpc_common_login_wrong_password.json", "auth/jsonrpc_common_authenticate_wrong_password.json"]


def _exchanges(relative: str) -> list[dict]:
    data = json.loads((CONTRACT / relative).read_text())
    return data.get("steps", [data])


def _error_exchange(relative: str) -> dict | None:
    for exchange in _exchanges(relative):
        if "error" in exchange["response"]["body"]:
            return exchange
    return None


def _recorded_error_files() -> list[str]:
    files = sorted(
        str(path.relative_to(CONTRACT)) for folder in ("errors", "auth") for path in (CONTRACT / folder).glob("*.json")
    )
    return [name for name in files if _error_exchange(name) is not None]


def test_every_recorded_error_is_mapped():
    assert set(_recorded_error_files()) == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_recorded_error_maps_to_typed_error(relative):
    exchange = _error_exchange(relative)
    params = exchange["request"]["body"].get("params", {})
    args = params.get("args") or []
    model, method = (args[3], args[4]) if len(args) >= 5 else (params.get("model"), params.get("method"))
    payload = exchange["response"]["body"]["error"]

    error = error_from_payload(payload, model=model, method=method, login="admin", database="wh_demo")

    expected_class, transient = EXPECTED[relative]
    assert type(error) is expected_class
    assert error.transient is transient
    assert error.outcome_unknown is False
    assert error.odoo_name == payload["data"]["name"]
    assert error.odoo_message == payload["data"]["message"].strip()
    assert isinstance(error, errors.OdooError)
    assert str(error)  # a sentence for people


@pytest.mark.parametrize("relative", sorted(NOT_ERRORS))
def test_answers_that_are_not_errors(relative):
    assert _error_exchange(relative) is None


@pytest.mark.parametrize("relative", LOGIN_FALSE)
def test_login_false_is_access_denied(relative):
    result = _exchanges(relative)[0]["response"]["body"]["result"]
    assert result is False
    with pytest.raises(errors.OdooAccessDenied) as caught:
        uid_from_login_result(result, login="admin", database="wh_demo")
    assert "ODOO_LOGIN" in str(caught.value)
    assert "ODOO_API_KEY" in str(caught.value)


def test_login_uid_passes_through():
    ok = _exchanges("auth/jsonrpc_common_login_ok.json")[0]["response"]["body"]["result"]
    assert uid_from_login_result(ok, login="admin", database="wh_demo") == ok


def test_access_denied_says_what_to_check():
    payload = _error_exchange("auth/jsonrpc_execute_kw_wrong_password.json")["response"]["body"]["error"]
    error = error_from_payload(payload, login="x", database="wh_demo")
    assert "Odoo refused the login for user 'x'" in str(error)
    assert "check ODOO_LOGIN and ODOO_API_KEY" in str(error)


def test_last_update_field_is_a_validation_error():
    steps = _exchanges("concurrency/02_races_and_last_update.json")
    payload = next(s["response"]["body"]["error"] for s in steps if "error" in s["response"]["body"])
    assert type(error_from_payload(payload)) is errors.OdooValidationError


@pytest.mark.parametrize(
    "name,message",
    [
        ("psycopg2.errors.SerializationFailure", "could not serialize access due to concurrent update"),
        ("psycopg2.extensions.TransactionRollbackError", "deadlock detected"),
    ],
)
def test_serialization_failure_is_transient_and_safe(name, message):
    error = error_from_payload(
        {"code": 200, "message": "Odoo Server Error", "data": {"name": name, "message": message}}
    )
    assert type(error) is errors.OdooServerError
    assert error.transient is True
    assert error.outcome_unknown is False  # Odoo rolled the transaction back


@pytest.mark.parametrize(
    "status,name,expected",
    [
        (401, "werkzeug.exceptions.Unauthorized", errors.OdooAccessDenied),
        (404, "werkzeug.exceptions.NotFound", errors.OdooUnknownModelOrMethod),
        (422, "werkzeug.exceptions.UnprocessableEntity", errors.OdooValidationError),
        (403, "odoo.exceptions.AccessError", errors.OdooAccessError),
        (404, "odoo.exceptions.MissingError", errors.OdooMissingError),
    ],
)
def test_json2_error_bodies(status, name, expected):
    body = {"name": name, "message": "the model 'x' does not exist", "arguments": [], "context": {}, "debug": ""}
    assert type(error_from_payload(body, http_status=status)) is expected


@pytest.mark.parametrize(
    "status,transient,unknown", [(502, True, True), (503, True, False), (504, True, True), (500, True, True)]
)
def test_http_5xx_without_odoo_body(status, transient, unknown):
    error = http_status_error(status, url="http://odoo", model="stock.picking", method="write")
    assert error.transient is transient
    assert error.outcome_unknown is unknown


def test_http_404_without_odoo_body_points_at_the_url():
    error = http_status_error(404, url="http://odoo")
    assert error.transient is False
    assert "ODOO_URL" in str(error)


def test_errors_survive_pickling():
    error = errors.OdooTimeout("slow", model="stock.picking", method="write")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is errors.OdooTimeout
    assert (copy.model, copy.method, copy.outcome_unknown, str(copy)) == ("stock.picking", "write", True, "slow")


def test_unknown_database_on_jsonrpc_is_its_own_error():
    """/jsonrpc answers psycopg2's OperationalError for a database that does not exist (connection/07)."""
    steps = json.loads((CONTRACT / "connection" / "07_connection_errors.json").read_text())["steps"]
    for step in [s for s in steps if "no_such_db" in json.dumps(s["request"])]:
        error = error_from_payload(step["response"]["body"]["error"], login="admin", database="no_such_db")
        assert type(error) is errors.OdooDatabaseNotFound
        assert str(error) == "Odoo has no database 'no_such_db': check ODOO_DATABASE."
        assert error.transient is False
