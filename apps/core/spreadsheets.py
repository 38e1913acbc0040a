"""CSV cells a spreadsheet will not run: formula injection (CWE-1236) neutralised on export."""

from __future__ import annotations

from typing import Any

#: a cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe (shown as text, as OWASP advises)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in values]
