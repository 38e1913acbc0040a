"""Reads of the outbox: the health summary, and entries as a user may see them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.writeback.models import OutboxEffect, OutboxEntry

if TYPE_CHECKING:
    from apps.accounts.types import AnyUser

Status = OutboxEntry.Status
BACKLOG = (Status.PENDING, Status.RUNNING)
FAILURES = (Status.NEEDS_ATTENTION, Status.DEAD)


def outbox_overview(*, now: datetime | None = None, entries: QuerySet[OutboxEntry] | None = None) -> dict:
    """Backlog, age of the oldest pending entry, counts by status and failures, for the health page.

    ``{"backlog": 3, "oldest_pending_at": dt | None, "oldest_pending_age_s": 12.5 | None,
    "retrying": 1, "by_status": {"pending": 2, ...every status...}, "failures": {"needs_attention": 0,
    "dead": 0}, "failures_total": 0, "last_failure": {"id", "operation", "target", "status",
    "error", "at"} | None}``
    """
    now = now or timezone.now()
    entries = OutboxEntry.objects.all() if entries is None else entries  # a user's: outbox_entries_visible_to
    counts = dict(entries.values_list("status").annotate(n=Count("id")).order_by())
    by_status = {status: counts.get(status, 0) for status in Status.values}
    oldest = entries.filter(status__in=BACKLOG).aggregate(at=Min("created_at"))["at"]
    retrying = entries.filter(status=Status.PENDING, attempts__gt=0).count()
    failure = entries.filter(status__in=FAILURES).order_by("-updated_at").first()
    return {
        "backlog": sum(by_status[status] for status in BACKLOG),
        "oldest_pending_at": oldest,
        "oldest_pending_age_s": round((now - oldest).total_seconds(), 1) if oldest else None,
        "retrying": retrying,
        "by_status": by_status,
        "failures": {status: by_status[status] for status in FAILURES},
        "failures_total": sum(by_status[status] for status in FAILURES),
        "last_failure": (
            {
                "id": failure.pk,
                "operation": failure.operation,
                "target": failure.target,
                "status": failure.status,
                "error": failure.last_error,
                "at": failure.updated_at,
            }
            if failure
            else None
        ),
    }


def outbox_entries_visible_to(user: AnyUser) -> QuerySet[OutboxEntry]:
    """Admins see every entry; others only entries of the sites they are a member of."""
    entries = OutboxEntry.objects.select_related("requested_by")
    if has_role(user, Role.ADMIN):
        return entries
    return entries.filter(site_code__in=sites_visible_to(user).values("code"))


def outbox_entry_list(
    *, user: AnyUser, status: str | None = None, operation: str | None = None, site: str | None = None
) -> QuerySet[OutboxEntry]:
    """Entries the user may see, newest first, filtered by status, operation and site code."""
    entries = outbox_entries_visible_to(user)
    if status:
        entries = entries.filter(status=status)
    if operation:
        entries = entries.filter(operation=operation)
    if site:
        entries = entries.filter(site_code=site)
    return entries.order_by("-id")


def outbox_entry_get(*, user: AnyUser, entry_id: int) -> OutboxEntry | None:
    """One entry with its attempts, or None when it does not exist or is not visible to the user."""
    return outbox_entries_visible_to(user).prefetch_related("attempt_log").filter(pk=entry_id).first()


def own_effects(*, odoo_model: str, write_dates: Mapping[int, datetime | None]) -> set[int]:
    """Ids among these Odoo records (id → write_date as mirrored) that show our own outbox's effect,
    not a new event: a record our write made, or one our write changed and nobody changed since
    (its write_date is not newer than the one Odoo showed right after our write)."""
    if not write_dates:
        return set()
    own: set[int] = set()
    effects = OutboxEffect.objects.filter(odoo_model=odoo_model, odoo_id__in=list(write_dates))
    for odoo_id, write_date, created in effects.values_list("odoo_id", "write_date", "created"):
        seen = write_dates[odoo_id]
        if created or (seen is not None and write_date is not None and seen <= write_date):
            own.add(odoo_id)
    return own


def writes_in_flight(*, odoo_model: str, odoo_ids: Iterable[int]) -> set[int]:
    """Ids among these records that an outbox entry is writing to right now (its effects are not
    recorded yet): a rule leaves them until the entry finishes. That includes an entry waiting for
    its retry after it started writing (a later call failed): its write may have landed in Odoo, and
    its effects are recorded only when the next attempt finds it there (the fault suite met this)."""
    running = OutboxEntry.objects.filter(
        odoo_model=odoo_model,
        odoo_id__in=list(odoo_ids),
        status__in=[Status.RUNNING, Status.PENDING],
        write_started_at__isnull=False,
    ).values_list("odoo_id", flat=True)
    return {odoo_id for odoo_id in running if odoo_id is not None}  # never None: the filter asked for ids
