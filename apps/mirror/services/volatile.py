"""Re-read the mirror's volatile fields (non-stored in Odoo, so invisible to polling by write_date)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.mirror.changes import ChangeSet, dispatch_on_commit
from apps.mirror.models.base import MirrorRecord
from apps.mirror.specs import CONVERTERS, SPECS, spec_for
from apps.odoo.client import OdooClient, get_client

CHUNK = 1000


def refresh_volatile(odoo_model: str, *, client: OdooClient | None = None) -> ChangeSet:
    """Read the volatile fields of every live mirror row; write and announce the ones that moved."""
    spec = spec_for(odoo_model)
    fields = spec.volatile_fields
    changes = ChangeSet(odoo_model)
    if not fields:
        return changes
    client = client or get_client()
    ids = list(
        spec.model._default_manager.filter(is_deleted=False, is_archived=False).values_list("odoo_id", flat=True)
    )
    columns = [field.column for field in fields]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = client.read(odoo_model, chunk, [field.odoo for field in fields])
        current = {
            row["odoo_id"]: row
            for row in spec.model._default_manager.filter(odoo_id__in=chunk).values("id", "odoo_id", *columns)
        }
        moved: list[MirrorRecord] = []
        for row in rows:
            fresh = {field.column: CONVERTERS[field.kind](row.get(field.odoo, False)) for field in fields}
            old = current.get(row["id"])
            if old is None:
                continue  # not in the mirror (yet): the sync brings it with every field
            changed = [column for column in columns if old[column] != fresh[column]]
            if changed:
                changes.updated[row["id"]] = changed
                record = spec.model(odoo_id=row["id"], synced_at=timezone.now(), **fresh)
                record.pk = old["id"]  # the row to update (the abstract base names no primary key)
                moved.append(record)
        if moved:
            with transaction.atomic():
                spec.model._default_manager.bulk_update(moved, [*columns, "synced_at"])
                dispatch_on_commit(
                    ChangeSet(odoo_model, updated={m.odoo_id: changes.updated[m.odoo_id] for m in moved})
                )
    return changes


def refresh_all_volatile(*, client: OdooClient | None = None) -> dict[str, int]:
    """Every mirrored model with volatile fields; returns how many records moved per model."""
    return {
        odoo_model: len(refresh_volatile(odoo_model, client=client).updated)
        for odoo_model, spec in SPECS.items()
        if spec.volatile_fields
    }
