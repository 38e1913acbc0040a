"""`mirror_verify --repair`: make the mirror equal to Odoo after Odoo was restored from a backup.

In normal operation an older write_date never replaces a newer one (a late page must not undo a
webhook refresh), so `sync_odoo --full` changes nothing after a restore: the mirror holds values
newer than Odoo's. Repair takes Odoo's word for every record that differs, marks what Odoo no
longer has as deleted (a change set with the reason, so cases on those records resolve), adds what
it misses, and records what it changed in the audit log. Cases, approvals and audit are never
deleted. Higher layers add their part of the report through `register_restore_check` (the
outbox lists entries done after the restore point whose effect Odoo no longer shows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.mirror.changes import dispatch_on_commit
from apps.mirror.locks import exclusive
from apps.mirror.services.verify import verify_model
from apps.mirror.specs import spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import OdooClient, get_client

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

RESTORE_REASON = "gone after an Odoo restore"


@dataclass
class RepairReport:
    odoo_model: str
    restored: list[int] = field(default_factory=list)  # set back to Odoo's (older) values
    removed: list[int] = field(default_factory=list)  # gone from Odoo: marked deleted in the mirror
    added: list[int] = field(default_factory=list)  # in Odoo, missing from the mirror

    def __bool__(self) -> bool:
        return bool(self.restored or self.removed or self.added)

    def as_json(self) -> dict:
        return {"odoo_model": self.odoo_model, "restored": self.restored, "removed": self.removed, "added": self.added}


RestoreCheck = Callable[[datetime | None], list[str]]  # restore point → lines for a person to act on
_restore_checks: list[RestoreCheck] = []


def register_restore_check(check: RestoreCheck) -> RestoreCheck:
    """A higher layer's part of the repair report (registered in its AppConfig.ready). Idempotent."""
    if check not in _restore_checks:
        _restore_checks.append(check)
    return check


def restore_checks(since: datetime | None) -> list[str]:
    """Every registered check's lines (e.g. outbox entries to reissue)."""
    return [line for check in list(_restore_checks) for line in check(since)]


def mirror_repair(odoo_model: str, *, actor: User | None = None, client: OdooClient | None = None) -> RepairReport:
    """Make the mirror's `odoo_model` rows equal to Odoo's, whatever their write_dates; audited."""
    spec = spec_for(odoo_model)
    client = client or get_client()
    report = RepairReport(odoo_model)
    with exclusive(f"sync:{odoo_model}", timeout_s=settings.MIRROR_SYNC_LOCK_S):
        drift = verify_model(odoo_model, full=True, client=client)
        if not drift:
            return report
        context = {"active_test": False} if spec.has_active else None
        wanted = sorted(set(drift.different_ids) | set(drift.missing))
        rows = client.read(odoo_model, wanted, [*spec.odoo_fields, "write_date"], context=context) if wanted else []
        with transaction.atomic():
            # Forget the newer write_dates first, so Odoo's older rows are taken (upsert keeps the newest).
            spec.model._default_manager.filter(odoo_id__in=drift.different_ids).update(odoo_write_date=None)
            changes = upsert_rows(spec, rows)
            report.restored = sorted(set(changes.updated))
            report.added = sorted(changes.created)
            if drift.extra:
                spec.model._default_manager.filter(odoo_id__in=drift.extra).update(
                    is_deleted=True, synced_at=timezone.now()
                )
                changes.deleted = list(drift.extra)
                report.removed = list(drift.extra)
            changes.reason = RESTORE_REASON
            dispatch_on_commit(changes)
            audit_record(action="mirror.repaired", subject=f"mirror:{odoo_model}", actor=actor, data=report.as_json())
    logger.info("mirror repaired after an Odoo restore", extra=report.as_json())
    return report


__all__ = ["RESTORE_REASON", "RepairReport", "mirror_repair", "register_restore_check", "restore_checks"]
