"""Reads of cases, always scoped to the sites the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.accounts.roles import APPROVER_ROLES, Role, has_role, roles_of
from apps.accounts.selectors import sites_visible_to, user_can_see_site
from apps.cases.models import Case, Severity, Status
from apps.cases.orderings import apply_ordering
from apps.cases.site_rules import SiteResolver
from apps.sites.models import Site

if TYPE_CHECKING:
    from collections.abc import Mapping

    from apps.accounts.types import AnyUser

# Roles that may act on any case of their sites; approvers act on cases owned by their role.
ACTING_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
READING_ROLES = (*ACTING_ROLES, *APPROVER_ROLES)


@dataclass(frozen=True)
class CaseFilters:
    """The queue's filters, as they appear in the URL (?site=BRU&severity=critical&status=open…)."""

    site: str = ""
    kind: str = ""
    severity: str = ""
    status: str = "active"  # active | closed | all | one status
    owner: str = ""  # a role, "me", or "unassigned"
    q: str = ""
    sort: str = ""  # "" (severity, then priority) or a registered ordering (apps/cases/orderings.py)

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> CaseFilters:
        return cls(
            site=params.get("site", "").strip(),
            kind=params.get("type", params.get("kind", "")).strip(),
            severity=params.get("severity", "").strip(),
            status=params.get("status", "active").strip() or "active",
            owner=params.get("owner", "").strip(),
            q=params.get("q", "").strip()[:100],
            sort=params.get("sort", "").strip()[:40],
        )

    def as_query(self) -> dict:
        values = {
            "site": self.site,
            "type": self.kind,
            "severity": self.severity,
            "status": self.status,
            "owner": self.owner,
            "q": self.q,
            "sort": self.sort,
        }
        return {k: v for k, v in values.items() if v and not (k == "status" and v == "active")}


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """Every case of the sites the user may see. Cases without a site (rare: a write-back failure
    of an unknown site) are for admins only."""
    if not has_role(user, *READING_ROLES):
        return Case.objects.none()
    site_ids = sites_visible_to(user).values("pk")
    scope = Q(site__in=site_ids)
    if has_role(user, Role.ADMIN):
        scope |= Q(site=None)
    return Case.objects.filter(scope)


def case_list(*, user: AnyUser, filters: CaseFilters) -> QuerySet[Case]:
    """The queue: filtered, most urgent first."""
    # Rows never show the context package or steps: leave those (large) columns on disk. The detail
    # (a few numbers) gives the row its figure (apps.cases.summaries).
    cases = cases_visible_to(user).select_related("site", "assignee").defer("context", "steps")
    if filters.site:
        cases = cases.filter(site__code=filters.site)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.severity in Severity.values:
        cases = cases.filter(severity=filters.severity)
    if filters.status == "active":
        cases = cases.filter(is_open=True)
    elif filters.status == "closed":
        cases = cases.filter(is_open=False)
    elif filters.status in Status.values:
        cases = cases.filter(status=filters.status)
    if filters.owner == "me":
        cases = cases.filter(assignee_id=user.pk)
    elif filters.owner == "unassigned":
        cases = cases.filter(assignee=None)
    elif filters.owner in Role.values:
        cases = cases.filter(owner_role=filters.owner)
    if filters.q:
        cases = cases.filter(Q(title__icontains=filters.q) | Q(record_name__icontains=filters.q))
    ordered = apply_ordering(cases, filters.sort)
    return ordered if ordered is not None else cases.order_by("-severity_rank", "-priority_score", "opened_at", "id")


def case_get(*, user: AnyUser, case_id: int) -> Case | None:
    return cases_visible_to(user).select_related("site", "assignee").filter(pk=case_id).first()


def can_act_on(user: AnyUser, case: Case) -> bool:
    """Supervisors, managers and admins act on their sites' cases; an approver on cases their role owns."""
    if has_role(user, *ACTING_ROLES):
        return True
    return case.owner_role in roles_of(user) and case.owner_role in APPROVER_ROLES


def open_counts(*, user: AnyUser, site: str = "") -> dict[str, int]:
    """Open cases per severity (the queue's header)."""
    cases = cases_visible_to(user).filter(is_open=True)
    if site:
        cases = cases.filter(site__code=site)
    counts = dict(cases.values_list("severity").annotate(n=Count("id")).values_list("severity", "n"))
    return {severity: counts.get(severity, 0) for severity in Severity.values}


def assignable_users(*, site_codes: list[str]) -> QuerySet:
    """People who can take a case of these sites (members with an acting role)."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=ACTING_ROLES)
    if site_codes:
        users = users.filter(Q(sites__code__in=site_codes) | Q(groups__name=Role.ADMIN))
    return users.distinct().order_by("username")


def location_site_code(location_odoo_id: int) -> str | None:
    """The site a mirrored location belongs to (None when no site matches its warehouse)."""
    rules = SiteResolver().for_location(location_odoo_id)
    return rules.site.code if rules else None


def user_can_report_at(user: AnyUser, location_odoo_id: int) -> bool:
    code = location_site_code(location_odoo_id)
    return code is not None and user_can_see_site(user, code)


def site_fire_summary(site_code: str, *, limit: int = 6, ordering: str = "") -> dict:
    """For a wall: open cases of one site by severity, the worst first and the oldest first among
    equals (or in a registered `ordering`), each with its age and its SLA. Not user-scoped: a wall
    renders once for every viewer."""
    now = timezone.now()
    open_cases = Case.objects.filter(site__code=site_code, is_open=True)
    counts = dict(open_cases.values_list("severity").annotate(n=Count("id")).values_list("severity", "n"))
    breached = open_cases.filter(sla_due_at__lt=now).count()
    ordered = apply_ordering(open_cases, ordering)
    worst = list((ordered if ordered is not None else open_cases.order_by("-severity_rank", "opened_at", "id"))[:limit])
    return {
        "total": sum(counts.values()),
        "by_severity": [(severity, label, counts.get(severity, 0)) for severity, label in Severity.choices],
        "breached": breached,
        "cases": [
            {
                "case": case,
                "age_s": (now - case.opened_at).total_seconds(),
                "sla_left_s": (case.sla_due_at - now).total_seconds() if case.sla_due_at else None,
            }
            for case in worst
        ],
    }


def site_exception_headline(site: Site) -> dict[str, int]:
    """The pulse's "what is on fire" counts for one site (registered in live's SITE_HEADLINE)."""
    fire = site_fire_summary(site.code, limit=0)
    critical = next(count for severity, _, count in fire["by_severity"] if severity == Severity.CRITICAL)
    return {"exceptions": fire["total"], "critical": critical, "exceptions_past_sla": fire["breached"]}
