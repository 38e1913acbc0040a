"""Reads on approvals, always scoped to the sites the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.accounts.selectors import sites_visible_to
from apps.approvals.eligibility import actionable_q, authority
from apps.approvals.models import OPEN_STATUSES, ApprovalPolicy, ApprovalRequest, RequestStatus, RequestType
from apps.approvals.summaries import decision_summary
from apps.audit.models import AuditEntry
from apps.core.numbers import MAX_PAGE, page_number
from apps.sites.models import Site
from apps.writeback.models import OutboxEntry

if TYPE_CHECKING:
    from apps.accounts.types import AnyUser

INBOX_LIMIT = 60
HISTORY_PAGE = 50


def requests_visible_to(user: AnyUser) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(site__in=sites_visible_to(user).values("pk"))


class InboxFilterKwargs(TypedDict):
    site_code: str
    request_type: str


@dataclass(frozen=True)
class InboxFilters:
    """The inbox's filters, as they appear in the URL of the screen and the API (?site=BRU&type=…)."""

    site_code: str = ""
    request_type: str = ""

    @classmethod
    def from_query(cls, params: Any) -> InboxFilters:
        return cls(site_code=params.get("site", "").strip(), request_type=params.get("type", "").strip())

    def as_kwargs(self) -> InboxFilterKwargs:
        return {"site_code": self.site_code, "request_type": self.request_type}


def inbox_queryset(user: AnyUser, *, site_code: str = "", request_type: str = "") -> QuerySet[ApprovalRequest]:
    """What waits on this user now: steps they may decide, and questions put to them."""
    waiting = actionable_q(user) | Q(status=RequestStatus.INFO_REQUESTED, requested_by_id=user.pk)
    queryset = ApprovalRequest.objects.filter(waiting)
    if site_code:
        queryset = queryset.filter(site__code=site_code)
    if request_type:
        queryset = queryset.filter(request_type=request_type)
    return queryset


def inbox_for(
    user: AnyUser, *, site_code: str = "", request_type: str = "", limit: int = INBOX_LIMIT
) -> dict[str, Any]:
    """The inbox list: soonest due first, with only the columns a row shows, and the total."""
    queryset = inbox_queryset(user, site_code=site_code, request_type=request_type)
    rows = list(queryset.select_related("site", "active_step").only(*ROW_FIELDS).order_by("due_at", "id")[:limit])
    return {"rows": rows, "total": queryset.count() if len(rows) >= limit else len(rows), "now": timezone.now()}


ROW_FIELDS = (
    "id",
    "title",
    "request_type",
    "facts",  # the figure a decision turns on (apps.approvals.summaries)
    "context",
    "status",
    "due_at",
    "created_at",
    "is_low_risk",
    "escalated_role",
    "site__code",
    "site__timezone",  # the SLA's due time is shown at the site (apps.core.local_time)
    "active_step__name",
    "active_step__position",
)


@dataclass
class HistoryFilters:
    status: str = ""
    request_type: str = ""
    site_code: str = ""
    text: str = ""
    since: date | None = None
    until: date | None = None
    decided_by: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> HistoryFilters:
        """The history's filters from the URL of the screen or the API (?status=…&type=…&q=…)."""
        page = params.get("page", "")
        return cls(
            status=params.get("status", "").strip(),
            request_type=params.get("type", "").strip(),
            site_code=params.get("site", "").strip(),
            text=params.get("q", "").strip()[:100],
            decided_by=params.get("decided_by", "").strip(),
            page=page_number(page),  # ASCII digits only, bounded (str.isdigit() takes other scripts' digits)
        )


def history_queryset(user: AnyUser, filters: HistoryFilters) -> QuerySet[ApprovalRequest]:
    """Every request of the user's sites matching the filters, newest first (pages aside)."""
    queryset = requests_visible_to(user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.request_type:
        queryset = queryset.filter(request_type=filters.request_type)
    if filters.site_code:
        queryset = queryset.filter(site__code=filters.site_code)
    if filters.text:
        queryset = queryset.filter(title__icontains=filters.text)
    if filters.since:
        queryset = queryset.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        queryset = queryset.filter(created_at__lte=datetime.combine(filters.until, time.max, tzinfo=UTC))
    if filters.decided_by:
        queryset = queryset.filter(decisions__user__username=filters.decided_by).distinct()
    return queryset.select_related("site", "requested_by").order_by("-created_at", "-id")


def history_for(user: AnyUser, filters: HistoryFilters) -> dict[str, Any]:
    """The history screen: one page of history_queryset, and whether another follows."""
    queryset = history_queryset(user, filters)
    page = min(max(1, filters.page), MAX_PAGE)  # a huge page number is the last possible page, not an overflow
    start = (page - 1) * HISTORY_PAGE
    rows = list(queryset[start : start + HISTORY_PAGE + 1])
    return {"rows": rows[:HISTORY_PAGE], "page": page, "has_next": len(rows) > HISTORY_PAGE}


def request_for(user: AnyUser, request_id: int) -> ApprovalRequest:
    """One request of the user's sites (DoesNotExist otherwise, shown as 404)."""
    return (
        requests_visible_to(user)
        .select_related("site", "policy", "policy__site", "active_step", "requested_by")
        .get(pk=request_id)
    )


def writeback_of(request: ApprovalRequest) -> OutboxEntry | None:
    """The outbox entry carrying the request's effect to Odoo, if one was created."""
    if not request.outbox_entry_id:
        return None
    return OutboxEntry.objects.filter(pk=request.outbox_entry_id).first()


def request_page(user: AnyUser, request: ApprovalRequest) -> dict[str, Any]:
    """Everything the request page and the inbox's detail pane show."""
    return {
        "approval": request,
        "steps": list(request.steps.prefetch_related("approvers").order_by("position")),
        "events": list(request.events.select_related("actor").order_by("at", "id")),
        "decisions": list(request.decisions.select_related("user", "on_behalf_of").order_by("at", "id")),
        "authority": authority(user, request),
        "writeback": writeback_of(request),
        "may_answer": request.status == RequestStatus.INFO_REQUESTED and request.requested_by_id == user.pk,
    }


def shown_snapshot(request: ApprovalRequest) -> dict[str, Any]:
    """What the decision screen showed, recorded with each decision for the audit log."""
    return {
        "title": request.title,
        "facts": request.facts,
        "context": request.context,
        "policy": request.policy.label,
        "route": request.route_name,
        "condition": request.condition_text,
        "effect": request.effect.get("summary", ""),
        "due_at": request.due_at.isoformat() if request.due_at else None,
    }


def audit_rows(user: AnyUser, *, since: date | None = None, until: date | None = None) -> QuerySet[AuditEntry]:
    """Approval audit entries of the user's sites, oldest first (for the CSV export)."""
    codes = list(sites_visible_to(user).values_list("code", flat=True))
    rows = AuditEntry.objects.filter(action__startswith="approval", site_code__in=codes).select_related("actor")
    if since:
        rows = rows.filter(at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        rows = rows.filter(at__lte=datetime.combine(until, time.max, tzinfo=UTC))
    return rows.order_by("id")


def policies_visible_to(user: AnyUser) -> QuerySet[ApprovalPolicy]:
    """Policy versions in force at the user's sites and the all-site defaults."""
    sites = sites_visible_to(user).values("pk")
    return (
        ApprovalPolicy.objects.filter(Q(site__isnull=True) | Q(site__in=sites))
        .select_related("site")
        .order_by("request_type", "site__code", "-version")
    )


REQUEST_TYPE_LABELS = dict(RequestType.choices)


def site_decision_summary(site_code: str, *, limit: int = 6) -> dict[str, Any]:
    """For a wall: requests of one site waiting on a decision, the most overdue first. Not
    user-scoped: a wall renders once for every viewer."""
    now = timezone.now()
    waiting = ApprovalRequest.objects.filter(site__code=site_code, status__in=OPEN_STATUSES)
    past_sla = waiting.filter(due_at__lt=now).count()
    first = list(waiting.order_by(F("due_at").asc(nulls_last=True), "id")[:limit])
    return {
        "total": waiting.count(),
        "past_sla": past_sla,
        "requests": [
            {
                "request": request,
                "waits_on": request.escalated_role or request.active_role,
                "left_s": (request.due_at - now).total_seconds() if request.due_at else None,
                "about": decision_summary(request),
            }
            for request in first
        ],
    }


def site_decision_headline(site: Site) -> dict[str, int]:
    """The pulse's "what waits on a decision" counts for one site (registered in live's SITE_HEADLINE)."""
    decisions = site_decision_summary(site.code, limit=0)
    return {"decisions": decisions["total"], "decisions_past_sla": decisions["past_sla"]}
