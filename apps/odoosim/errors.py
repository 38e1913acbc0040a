"""Exceptions the simulator raises, named like the Odoo/Python classes a real server reports.

Each carries the fully qualified class name that ends up in `error.data.name`, so the wire
format matches the recordings in tests/contract/odoo17/errors/.
"""

from __future__ import annotations


class OdooError(Exception):
    """Base class: `qualified_name` is what Odoo puts in `data.name`."""

    qualified_name = "odoo.exceptions.UserError"
    #: HTTP status used by the JSON-2 API (JSON-RPC always answers 200).
    http_status = 422

    def __init__(self, message: str, *arguments: object) -> None:
        super().__init__(message)
        self.message = message
        self.arguments = [message, *arguments]

    @property
    def debug_last_line(self) -> str:
        """Last line of the traceback, as the recordings keep it (class name shortened for builtins)."""
        cls = self.qualified_name
        if cls.startswith("builtins."):
            cls = cls[len("builtins.") :]
        text = f"{cls}: {self.message}"
        return text.rstrip("\n").split("\n")[-1]


class UserError(OdooError):
    qualified_name = "odoo.exceptions.UserError"


class AccessError(OdooError):
    qualified_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(OdooError):
    qualified_name = "odoo.exceptions.AccessDenied"
    http_status = 401

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class MissingError(OdooError):
    qualified_name = "odoo.exceptions.MissingError"
    http_status = 404


class ValidationError(OdooError):
    qualified_name = "odoo.exceptions.ValidationError"


class PyValueError(OdooError):
    qualified_name = "builtins.ValueError"


class PyAttributeError(OdooError):
    qualified_name = "builtins.AttributeError"
    http_status = 404


class PyKeyError(OdooError):
    qualified_name = "builtins.KeyError"
    http_status = 404

    @property
    def debug_last_line(self) -> str:
        # KeyError's str() is the repr of its argument: KeyError: 'nope'
        return f"KeyError: {self.message!r}"


class PyIndexError(OdooError):
    qualified_name = "builtins.IndexError"


class PyTypeError(OdooError):
    qualified_name = "builtins.TypeError"


class DatabaseMissing(OdooError):
    """/jsonrpc with a database name the server does not have (connection/07_connection_errors.json)."""

    qualified_name = "psycopg2.OperationalError"
    http_status = 500

    def __init__(self, db: object) -> None:
        super().__init__(
            f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{db}" does not exist\n'
        )


class SessionExpired(OdooError):
    qualified_name = "odoo.http.SessionExpiredException"
    http_status = 401

    def __init__(self) -> None:
        super().__init__("Session expired")


class SerializationFailure(OdooError):
    """What a real server returns after exhausting its serialization retries (fault injection)."""

    qualified_name = "psycopg2.errors.SerializationFailure"
    http_status = 500

    def __init__(self) -> None:
        super().__init__("could not serialize access due to concurrent update\n")


class Unauthorized(OdooError):
    """JSON-2 bearer authentication failure (werkzeug)."""

    qualified_name = "werkzeug.exceptions.Unauthorized"
    http_status = 401

    def __init__(self, message: str = "Invalid apikey") -> None:
        super().__init__(message, 401)
