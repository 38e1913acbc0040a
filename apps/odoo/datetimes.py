"""Odoo's wire formats for dates, datetimes and relational values.

Odoo speaks naive UTC strings over RPC: ``"YYYY-MM-DD HH:MM:SS"`` for datetimes and
``"YYYY-MM-DD"`` for dates, whatever the user's or the context's ``tz``. Empty values are
``false``, never ``null``. ``write()`` rejects ``T``, ``Z`` and microseconds (ValueError), while
domains pass the string to PostgreSQL. Webhook payloads carry microseconds. Inside Control Tower
every datetime is an aware UTC ``datetime``; these helpers convert at the boundary.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

ODOO_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ODOO_DATE_FORMAT = "%Y-%m-%d"


def parse_datetime(value: Any) -> datetime | None:
    """Parse an Odoo datetime (``false`` → None) into an aware UTC ``datetime``.

    Accepts the RPC form (seconds), the webhook form (with microseconds) and a bare date
    (midnight UTC), and values that already are ``datetime`` (naive means UTC).
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"Not an Odoo datetime: {value!r}")
    text = value.strip()
    # fromisoformat is C code, ~30x faster than strptime, which matters at 100k+ rows per sync. It
    # also reads ISO forms Odoo never sends ("T", "Z", offsets): those did not come from Odoo and
    # must not pass silently.
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None or "T" in text:
        raise ValueError(f"Not an Odoo datetime (expected 'YYYY-MM-DD HH:MM:SS' UTC): {value!r}")
    return parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    """Parse an Odoo date (``false`` → None) into a ``date``."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"Not an Odoo date: {value!r}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValueError(f"Not an Odoo date (expected 'YYYY-MM-DD'): {value!r}") from None


def format_datetime(value: datetime) -> str:
    """Format an aware datetime the way Odoo's ``write()`` and domains accept it.

    Converted to UTC, microseconds dropped (truncated, so a domain bound never moves past the
    instant it names), no ``T`` or zone suffix. A naive datetime is refused: it is ambiguous,
    and guessing its zone is how cutoffs end up an hour wrong.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"format_datetime needs a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("format_datetime needs an aware datetime (naive values are ambiguous); use UTC")
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).strftime(ODOO_DATETIME_FORMAT)


def format_date(value: date) -> str:
    """Format a date as ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        raise TypeError("format_date needs a date; use format_datetime for a datetime")
    return value.strftime(ODOO_DATE_FORMAT)


def truncate_to_second(value: datetime) -> datetime:
    """The value as Odoo's API shows it (``write_date`` is returned truncated to seconds)."""
    return value.replace(microsecond=0)


def next_second(value: datetime) -> datetime:
    """The start of the second after the one ``value`` falls in."""
    return truncate_to_second(value) + timedelta(seconds=1)


# --- Relational values -----------------------------------------------------------------------


def many2one_id(value: Any) -> int | None:
    """The id of a many2one: ``[id, "name"]`` over RPC, a bare int in webhooks, ``false`` → None."""
    if value is None or value is False:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], int):
        return value[0]
    raise ValueError(f"Not a many2one value: {value!r}")


def many2one_name(value: Any) -> str | None:
    """The display name of a many2one ``[id, "name"]`` (None when empty or a bare id)."""
    if isinstance(value, (list, tuple)) and len(value) >= 2:
        return str(value[1])
    return None


def many2one(value: Any) -> tuple[int, str | None] | None:
    """``(id, name)`` of a many2one, or None when empty."""
    record_id = many2one_id(value)
    return None if record_id is None else (record_id, many2one_name(value))


def x2many_ids(value: Any) -> list[int]:
    """The ids of a one2many/many2many (a list of ids over RPC, ``false`` → [])."""
    if value is None or value is False:
        return []
    return [int(item) for item in value]


def none_if_false(value: Any) -> Any:
    """Odoo's ``false`` for an empty char/selection/relational field, as None.

    Not for boolean fields, where ``false`` is a real value.
    """
    return None if value is False else value
