"""Writing to the audit log. Entries are never updated or deleted; each seals the one before it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AuditArchive, AuditEntry

GENESIS = "0" * 64
CHAIN_LOCK_ID = 7_305_118_201  # pg_advisory_xact_lock key of the audit chain


def entry_digest(entry: AuditEntry) -> str:
    """The hash of an entry's content and its predecessor's hash (what audit_verify recomputes)."""
    content = {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "subject": entry.subject,
        "site_code": entry.site_code,
        "policy_version": entry.policy_version,
        "data": entry.data,
        "previous_hash": entry.previous_hash,
    }
    encoded = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def audit_record(
    *,
    action: str,
    subject: str,
    actor: Any = None,  # an accounts.User; audit sits below accounts and does not import it
    site_code: str = "",
    policy_version: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the decision it records, so both land or
    neither does. The chain is extended under a database lock held until that transaction ends, so
    two writers never fork it (and a unique previous_hash refuses a fork outright)."""
    # JSON round-trip: what is hashed is exactly what the database will give back.
    clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first() or chain_anchor()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", None) or "system",
            action=action,
            subject=subject,
            site_code=site_code,
            policy_version=policy_version,
            data=clean_data,
            previous_hash=last or GENESIS,
        )
        entry.entry_hash = entry_digest(entry)
        entry.save(force_insert=True)
    return entry


def chain_anchor() -> str:
    """Where the chain in the database starts: the last archive's end (apps.audit.archive), or the genesis."""
    return AuditArchive.objects.order_by("-last_id").values_list("end_hash", flat=True).first() or GENESIS


def _lock_chain() -> None:
    """PostgreSQL: an advisory lock until the transaction ends. SQLite needs none: its transactions
    take the database's write lock when they begin (transaction_mode IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
