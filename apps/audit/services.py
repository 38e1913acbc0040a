"""Writing to the audit log. Entries are never updated or deleted; each seals the one before it."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.core.redis import get_redis

GENESIS = "0" * 64
CHAIN_LOCK = "ct:lock:audit-chain"


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
    actor=None,
    site_code: str = "",
    policy_version: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the decision it records, so both land or
    neither does. The chain is extended under a Redis lock so two writers never fork it."""
    # JSON round-trip: what is hashed is exactly what the database will give back.
    clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    with get_redis().lock(CHAIN_LOCK, timeout=10, blocking_timeout=10), transaction.atomic():
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
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
