"""Bulk upsert of Odoo rows into the mirror: unchanged rows are not rewritten and make no change.

Rows are compared as plain tuples (one tuple comparison for an unchanged row) and written with
the two statements of `bulk_sql`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.mirror.bulk_sql import read_stored, write_rows
from apps.mirror.changes import ChangeSet
from apps.mirror.specs import MirrorSpec

logger = logging.getLogger(__name__)


def upsert_rows(spec: MirrorSpec, rows: Iterable[dict[str, Any]]) -> ChangeSet:
    """Write these Odoo rows; return what changed. Two statements per page, whatever the row count.

    A row older than what the mirror holds (a page read before a webhook refresh that landed
    first) is ignored: the newer state wins, in the comparison here and in the statement itself.
    """
    changes = ChangeSet(spec.odoo_model)
    rows = list(rows)
    try:  # the whole page at once, column by column
        incoming = dict(zip([row["id"] for row in rows], spec.convert_page(rows), strict=True))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        incoming = _convert_one_by_one(spec, rows, changes)
    if not incoming:
        return changes
    columns = spec.columns
    written_at = len(columns) - 1  # odoo_write_date is the last column
    existing = {stored[0]: stored for stored in read_stored(spec, list(incoming))}
    now = timezone.now()
    to_write = []
    for odoo_id, values in incoming.items():
        old = existing.get(odoo_id)
        if old is None:
            changes.created.append(odoo_id)
        else:
            old_values = old[2:]
            if _older(values[written_at], old_values[written_at]):
                continue
            is_deleted = old[1]
            if not is_deleted and old_values == values:
                continue  # the common case on an overlap re-read: one tuple comparison
            changed = [column for column, was, now_is in zip(columns, old_values, values, strict=True) if was != now_is]
            if is_deleted:
                changed.append("is_deleted")
            if not changed:
                continue
            changes.updated[odoo_id] = changed
            if "is_archived" in changed and values[columns.index("is_archived")]:
                changes.archived.append(odoo_id)
        to_write.append((odoo_id, *values, now, False))
    if to_write:
        write_rows(spec, to_write, all_new=not existing)
    return changes


def _convert_one_by_one(spec: MirrorSpec, rows: list[Any], changes: ChangeSet) -> dict[int, tuple[Any, ...]]:
    """The page has a malformed row: convert row by row to find it, keep the others."""
    incoming = {}
    for row in rows:
        try:
            incoming[row["id"]] = spec.convert_values(row)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            # One malformed row must not stop the page: leave it out, say so, keep the rest flowing.
            odoo_id = row.get("id") if isinstance(row, dict) else None
            changes.rejected[odoo_id] = f"{type(error).__name__}: {error}"
            logger.warning(
                "odoo row rejected", extra={"odoo_model": spec.odoo_model, "odoo_id": odoo_id, "error": str(error)}
            )
    return incoming


def _older(incoming, stored) -> bool:
    return incoming is not None and stored is not None and incoming < stored
