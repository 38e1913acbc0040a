"""Reconciliation: compare id sets with Odoo to find what polling by write_date cannot see.

Deletions leave no write_date behind (stock.picking has no `active` field), and a row committed
long after its write_date can slip past the overlap window. Comparing the id sets catches both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.mirror.changes import ChangeSet, dispatch_on_commit
from apps.mirror.locks import exclusive
from apps.mirror.models import SyncState
from apps.mirror.specs import spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import OdooClient, get_client

logger = logging.getLogger(__name__)

ARCHIVED_TOO = {"active_test": False}


@dataclass
class ReconcileResult:
    odoo_model: str
    deleted: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)  # in Odoo, missing from the mirror


def reconcile_model(odoo_model: str, *, client: OdooClient | None = None) -> ReconcileResult:
    """Mark mirror rows gone from Odoo as deleted; fetch rows the mirror never got."""
    spec = spec_for(odoo_model)
    client = client or get_client()
    result = ReconcileResult(odoo_model)
    with exclusive(f"sync:{odoo_model}", timeout_s=settings.MIRROR_SYNC_LOCK_S):
        in_odoo = set(client.search(odoo_model, [], context=ARCHIVED_TOO if spec.has_active else None))
        in_mirror = set(spec.model._default_manager.filter(is_deleted=False).values_list("odoo_id", flat=True))
        result.deleted = sorted(in_mirror - in_odoo)
        missing = sorted(in_odoo - in_mirror)
        if missing:
            rows = client.read(odoo_model, missing, [*spec.odoo_fields, "write_date"])
            with transaction.atomic():
                changes = upsert_rows(spec, rows)
                dispatch_on_commit(changes)
            result.recovered = [row["id"] for row in rows]
        if result.deleted:
            with transaction.atomic():
                spec.model._default_manager.filter(odoo_id__in=result.deleted).update(
                    is_deleted=True, synced_at=timezone.now()
                )
                dispatch_on_commit(ChangeSet(odoo_model, deleted=result.deleted))
        SyncState.objects.update_or_create(odoo_model=odoo_model, defaults={"last_reconciled_at": timezone.now()})
    if result.deleted or result.recovered:
        logger.info(
            "reconciled",
            extra={"odoo_model": odoo_model, "deleted": len(result.deleted), "recovered": len(result.recovered)},
        )
    return result
