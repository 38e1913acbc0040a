"""Typed errors of the Odoo gateway.

Callers never see raw JSON-RPC payloads, ``odoorpc`` exceptions, ``urllib`` or ``requests``
exceptions: every failure becomes one of the classes below. Two flags drive what callers
(and the gateway's own retry policy) may do next:

- ``transient``: trying again later may succeed (Odoo down, timeout, serialization failure).
- ``outcome_unknown``: the request may have reached Odoo and been applied. A write or action
  that fails this way must **not** be repeated blindly; re-read the record first.

Odoo answers every error with HTTP 200 and ``{"error": {"code", "message", "data": {"name", ...}}}``
on JSON-RPC (and with 4xx/5xx and the same ``data`` object as body on JSON-2): we branch on
``data.name``, the Python class of the exception on the server (see
``tests/contract/odoo17/errors/``).
"""

from __future__ import annotations

import re
from typing import Any


class OdooError(Exception):
    """Base class: something went wrong talking to Odoo.

    ``str(error)`` is a sentence a person can act on; ``odoo_message`` is Odoo's own text.
    """

    transient: bool = False
    outcome_unknown: bool = False

    def __init__(
        self,
        message: str,
        *,
        odoo_name: str | None = None,
        odoo_message: str | None = None,
        model: str | None = None,
        method: str | None = None,
        http_status: int | None = None,
        transient: bool | None = None,
        outcome_unknown: bool | None = None,
        debug: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.odoo_name = odoo_name
        self.odoo_message = odoo_message if odoo_message is not None else message
        self.model = model
        self.method = method
        self.http_status = http_status
        self.debug = debug
        if transient is not None:
            self.transient = transient
        if outcome_unknown is not None:
            self.outcome_unknown = outcome_unknown

    def __reduce__(self):  # keeps errors picklable (Celery results, multiprocessing)
        return (_rebuild_error, (type(self), self.message, self.__dict__.copy()))


def _rebuild_error(cls: type[OdooError], message: str, state: dict[str, Any]) -> OdooError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class OdooConfigurationError(OdooError):
    """The gateway is misconfigured (URL, transport, missing API key for JSON-2)."""


class OdooAccessDenied(OdooError):
    """Odoo refused the credentials (wrong login, password or API key, or revoked key)."""


class OdooDatabaseNotFound(OdooAccessDenied):
    """The Odoo server has no database by that name (check ODOO_DATABASE)."""


class OdooAccessError(OdooError):
    """The integration user lacks the rights for this model, record or method."""


class OdooMissingError(OdooError):
    """The record does not exist (any more) in Odoo."""


class OdooValidationError(OdooError):
    """Odoo refused the values or the operation (ValidationError, UserError, bad value)."""


class OdooUnknownModelOrMethod(OdooError):
    """The model or method does not exist on this Odoo (module not installed, typo)."""


class OdooSessionExpired(OdooError):
    """The Odoo web session expired; the transport logs in again."""


class OdooServerError(OdooError):
    """Any other server-side failure; ``transient`` says whether a retry may help."""


class OdooConnectionError(OdooError):
    """Odoo could not be reached: the request was never delivered, so a retry is safe."""

    transient = True


class OdooTimeout(OdooError):
    """The request was sent but no (complete) answer came back: the outcome is unknown.

    Reads are retried; a write or action raises this to the caller, who must re-read the
    record before deciding whether to try again.
    """

    transient = True
    outcome_unknown = True


class OdooUnavailable(OdooError):
    """The circuit breaker is open: calls fail fast without touching Odoo."""

    transient = True

    def __init__(self, message: str, *, since: Any = None, retry_at: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.since = since
        self.retry_at = retry_at


# --- Mapping Odoo's error payload -------------------------------------------------------------

_NO_DATABASE = re.compile(r'database "(?P<name>[^"]*)" does not exist')
_UNKNOWN_MODEL = re.compile(r"^Object \S+ doesn't exist")
_UNKNOWN_METHOD = re.compile(r"The method '.+' does not exist")
# PostgreSQL serialization failures and deadlocks: Odoo retries them itself (5 tries) and only
# then gives up; the transaction was rolled back, so trying again later is safe even for writes.
_SERIALIZATION = re.compile(r"could not serialize access|deadlock detected|SerializationFailure|TransactionRollback")
_VALIDATION_NAMES = {
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.except_orm",
    "builtins.ValueError",
    "werkzeug.exceptions.UnprocessableEntity",  # JSON-2: arguments do not fit the method
}


def error_from_payload(
    error: dict[str, Any],
    *,
    model: str | None = None,
    method: str | None = None,
    login: str | None = None,
    database: str | None = None,
    http_status: int | None = None,
) -> OdooError:
    """Turn Odoo's error object into a typed :class:`OdooError`.

    ``error`` is the JSON-RPC ``error`` member (``{"code", "message", "data": {...}}``) or,
    for JSON-2, the response body itself (``{"name", "message", "arguments", ...}``).
    """
    raw_data = error.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else error
    name = str(data.get("name") or "")
    text = str(data.get("message") or error.get("message") or "Odoo Server Error").strip()
    code = error.get("code")
    target = f"{model}.{method}" if model and method else (model or method or "the call")
    common: dict[str, Any] = {
        "odoo_name": name or None,
        "odoo_message": text,
        "model": model,
        "method": method,
        "http_status": http_status,
        "debug": data.get("debug"),
    }

    if name == "odoo.http.SessionExpiredException" or code == 100:
        return OdooSessionExpired("The Odoo session expired; the gateway logs in again.", **common)
    if name == "odoo.exceptions.AccessDenied" or name == "werkzeug.exceptions.Unauthorized":
        return access_denied(login=login, database=database, **common)
    if name == "odoo.exceptions.AccessError":
        if text == "Database not found.":
            return OdooDatabaseNotFound(f"Odoo has no database {database!r}: check ODOO_DATABASE.", **common)
        return OdooAccessError(
            f"Odoo denied {target} to user {login!r}: {text} Give the integration user the rights it needs in Odoo.",
            **common,
        )
    if name == "psycopg2.OperationalError" and _NO_DATABASE.search(text):
        # /jsonrpc with an unknown database name: Odoo tries to open it and PostgreSQL refuses.
        return OdooDatabaseNotFound(f"Odoo has no database {database!r}: check ODOO_DATABASE.", **common)
    if name == "odoo.exceptions.MissingError":
        return OdooMissingError(
            f"{target} failed: the record does not exist (any more) in Odoo. {text}",
            **common,
        )
    if name == "werkzeug.exceptions.NotFound" or (name == "odoo.exceptions.UserError" and _UNKNOWN_MODEL.match(text)):
        return _unknown(target, text, common)
    if name == "builtins.AttributeError" and _UNKNOWN_METHOD.search(text):
        return _unknown(target, text, common)
    if name in _VALIDATION_NAMES:
        return OdooValidationError(f"Odoo refused {target}: {text}", **common)
    if _SERIALIZATION.search(name) or _SERIALIZATION.search(text):
        return OdooServerError(
            f"Odoo could not complete {target} because of concurrent updates; it is safe to try again. {text}",
            transient=True,
            **common,
        )
    transient = http_status is not None and http_status >= 500 and not name
    return OdooServerError(f"Odoo failed on {target}: {name or 'error'}: {text}", transient=transient, **common)


def _unknown(target: str, text: str, common: dict[str, Any]) -> OdooUnknownModelOrMethod:
    return OdooUnknownModelOrMethod(
        f"Odoo does not know {target}: {text}. Is the Odoo module that provides it installed?",
        **common,
    )


def access_denied(*, login: str | None, database: str | None, **kwargs: Any) -> OdooAccessDenied:
    """The error for refused credentials, saying which settings to check."""
    return OdooAccessDenied(
        f"Odoo refused the login for user {login!r} on database {database!r}: "
        "check ODOO_LOGIN and ODOO_API_KEY (or ODOO_PASSWORD).",
        **kwargs,
    )


def uid_from_login_result(result: Any, *, login: str | None, database: str | None) -> int:
    """``common.login`` answers ``false`` (not an error) on a wrong password: raise instead."""
    if isinstance(result, bool) or not isinstance(result, int) or result <= 0:
        raise access_denied(login=login, database=database, odoo_message=f"common.login returned {result!r}")
    return result


def http_status_error(status: int, *, url: str, model: str | None = None, method: str | None = None) -> OdooError:
    """An HTTP error status without an Odoo error body (a proxy, or no Odoo at that URL)."""
    target = f"{model}.{method}" if model and method else "the call"
    if status in (502, 503, 504, 429):
        # 503/429: the proxy refused before Odoo saw the request; 502/504: Odoo may have
        # started processing it, so a write's outcome is unknown.
        return OdooServerError(
            f"Odoo at {url} answered HTTP {status} to {target}; it is probably restarting or overloaded.",
            transient=True,
            outcome_unknown=status in (502, 504),
            http_status=status,
            model=model,
            method=method,
        )
    if status >= 500:
        return OdooServerError(
            f"Odoo at {url} answered HTTP {status} to {target}.",
            transient=True,
            outcome_unknown=True,
            http_status=status,
            model=model,
            method=method,
        )
    return OdooServerError(
        f"{url} answered HTTP {status} to {target}: is ODOO_URL the address of an Odoo server?",
        http_status=status,
        model=model,
        method=method,
    )
