"""Bulk upsert of Odoo rows into the mirror: unchanged rows are not rewritten and make no change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.mirror.changes import ChangeSet
from apps.mirror.specs import MirrorSpec


def upsert_rows(spec: MirrorSpec, rows: Iterable[dict[str, Any]]) -> ChangeSet:
    """Write these Odoo rows; return what changed. Two statements per call, whatever the row count.

    A row older than what the mirror holds (a page read before a webhook refresh that landed
    first) is ignored: the newer state wins.
    """
    incoming = {row["id"]: spec.convert(row) for row in rows}
    changes = ChangeSet(spec.odoo_model)
    if not incoming:
        return changes
    columns = spec.columns
    existing = {
        values["odoo_id"]: values
        for values in spec.model.objects.filter(odoo_id__in=incoming).values("odoo_id", "is_deleted", *columns)
    }
    now = timezone.now()
    to_write = []
    for odoo_id, values in incoming.items():
        old = existing.get(odoo_id)
        if old is None:
            changes.created.append(odoo_id)
        else:
            if _older(values["odoo_write_date"], old["odoo_write_date"]):
                continue
            changed = [column for column in columns if old[column] != values[column]]
            if old["is_deleted"]:
                changed.append("is_deleted")
            if not changed:
                continue
            changes.updated[odoo_id] = changed
            if "is_archived" in changed and values.get("is_archived"):
                changes.archived.append(odoo_id)
        to_write.append(spec.model(odoo_id=odoo_id, synced_at=now, is_deleted=False, **values))
    if to_write:
        spec.model.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["odoo_id"],
            update_fields=[*columns, "synced_at", "is_deleted"],
        )
    return changes


def _older(incoming, stored) -> bool:
    return incoming is not None and stored is not None and incoming < stored
