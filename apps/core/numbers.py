"""Numbers from the outside (query strings, forms): ASCII digits only, within bounds, else a default.

`str.isdigit()` accepts Arabic-Indic and other digits and `int()` reads them, and a 5,000-digit
"page" makes int() raise; both once became 500s. These helpers answer a bounded int or None.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_RECORD_ID = 2**63 - 1  # the largest value a database id column holds
MAX_ODOO_ID = 2**31 - 1  # Odoo ids are PostgreSQL integers
MAX_PAGE = 10_000


def bounded_int(raw: object, *, minimum: int, maximum: int) -> int | None:
    """The integer written in `raw` (ASCII digits, optional minus); None when it is not one or is out of bounds."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def page_number(raw: object, *, maximum: int = MAX_PAGE) -> int:
    """A 1-based page number; anything unreadable is page 1, anything past `maximum` is `maximum`."""
    value = bounded_int(raw, minimum=1, maximum=MAX_RECORD_ID)
    return 1 if value is None else min(value, maximum)


def record_ids(values: Iterable[object], *, limit: int = 500) -> list[int]:
    """Database ids from a form's list; what is not one is dropped."""
    ids = (bounded_int(value, minimum=1, maximum=MAX_RECORD_ID) for value in values)
    return [value for value in ids if value is not None][:limit]
