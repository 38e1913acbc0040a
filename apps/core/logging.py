"""Log formatting for the readable (text) log format.

``logger.info("synced", extra={"model": "stock.picking", "rows": 40})`` must show the extra
fields on a laptop as it does in production's JSON lines; Python's plain Formatter drops them.
"""

from __future__ import annotations

import logging

# Attributes every LogRecord has (plus the ones Formatter adds); anything else came from `extra`.
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", logging.INFO, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The record's `extra={...}` fields (what a formatter adds to the line beyond the message)."""
    return {key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRIBUTES}


class KeyValueFormatter(logging.Formatter):
    """The standard text line, then each `extra` field as ``key=value`` (values with spaces quoted)."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        # An extra that is also the message's arguments is already in the line (Celery logs its task
        # fields both ways); repeating it would double every worker line.
        extras = {key: value for key, value in extra_fields(record).items() if value is not record.args}
        if not extras:
            return line
        pairs = " ".join(f"{key}={_quote(value)}" for key, value in sorted(extras.items()))
        # Keep a traceback (which super() appended on new lines) below the fields, not before them.
        first, newline, rest = line.partition("\n")
        return f"{first} {pairs}{newline}{rest}"


def _quote(value: object) -> str:
    text = str(value)
    return repr(text) if (not text or any(ch.isspace() or ch in "='\"" for ch in text)) else text
