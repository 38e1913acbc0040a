"""Reads of the advisor app, always scoped to the sites the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, F, Q, QuerySet

from apps.accounts.selectors import sites_visible_to
from apps.advisor.models import AdvisorName, AdvisorRun, Outcome, Recommendation, TrainedModel, subject_type_is
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.types import AnyUser


def recommendations_visible_to(user: AnyUser) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(site__in=sites_visible_to(user).values("pk")).select_related(
        "site", "decided_by"
    )


def runs_visible_to(user: AnyUser) -> QuerySet[AdvisorRun]:
    return AdvisorRun.objects.filter(site__in=sites_visible_to(user).values("pk")).select_related("site", "decided_by")


def recommendations_for_subject(
    user: AnyUser, subject: models.Model, *, open_only: bool = False
) -> list[Recommendation]:
    """The recommendations about one of our rows (a case, an approval request), newest first."""
    found = recommendations_visible_to(user).filter(subject_type_is(subject), subject_id=subject.pk)
    if open_only:
        found = found.filter(is_open=True)
    return list(found.order_by("-is_open", "-created_at", "-id")[:10])


def recommendations_for_key(user: AnyUser, subject_key: str, *, open_only: bool = True) -> list[Recommendation]:
    """The recommendations about a subject named by key ("picking:123")."""
    found = recommendations_visible_to(user).filter(subject_key=subject_key)
    if open_only:
        found = found.filter(is_open=True)
    return list(found.order_by("-created_at", "-id")[:10])


@dataclass(frozen=True)
class AcceptanceRate:
    advisor: str
    label: str
    accepted: int
    rejected: int
    auto_applied: int
    expired: int
    open: int

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def rate(self) -> float | None:
        """Accepted ÷ (accepted + rejected) by people; None before anyone decided."""
        return self.accepted / self.decided if self.decided else None


def acceptance_rates(
    *,
    sites: QuerySet[Site] | list[Site] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AcceptanceRate]:
    """Per advisor, how many recommendations people accepted and rejected (and the others), over the sites
    given (all when None) and the decision window given (by when they were decided, or created if open).
    The KPI app reads this; screens call `acceptance_rates_for(user)`."""
    queryset = Recommendation.objects.all()
    if sites is not None:
        queryset = queryset.filter(site__in=sites)
    if since is not None:
        queryset = queryset.filter(Q(decided_at__gte=since) | Q(decided_at__isnull=True, created_at__gte=since))
    if until is not None:
        queryset = queryset.filter(Q(decided_at__lt=until) | Q(decided_at__isnull=True, created_at__lt=until))
    counts = {
        (row["advisor"], row["status"]): row["n"]
        for row in queryset.values("advisor", "status").annotate(n=Count("id")).order_by()
    }
    return [
        AcceptanceRate(
            advisor=advisor,
            label=str(label),
            accepted=counts.get((advisor, Outcome.ACCEPTED), 0),
            rejected=counts.get((advisor, Outcome.REJECTED), 0),
            auto_applied=counts.get((advisor, Outcome.AUTO_APPLIED), 0),
            expired=counts.get((advisor, Outcome.EXPIRED), 0),
            open=counts.get((advisor, Outcome.RECOMMENDED), 0),
        )
        for advisor, label in AdvisorName.choices
    ]


def acceptance_rates_for(user: AnyUser, *, site_code: str = "") -> list[AcceptanceRate]:
    sites = sites_visible_to(user)
    if site_code:
        sites = sites.filter(code=site_code)
    return acceptance_rates(sites=sites)


@dataclass(frozen=True)
class LogFilters:
    """The advisor page's and the API's filters (?site=BRU&advisor=priority&outcome=rejected)."""

    site: str = ""
    advisor: str = ""
    outcome: str = ""

    @classmethod
    def from_query(cls, params: Any) -> LogFilters:
        advisor = params.get("advisor", "").strip()
        outcome = params.get("outcome", params.get("status", "")).strip()
        return cls(
            site=params.get("site", "").strip()[:20],
            advisor=advisor if advisor in AdvisorName.values else "",
            outcome=outcome if outcome in (*Outcome.values, "open") else "",
        )


def run_log(user: AnyUser, filters: LogFilters) -> QuerySet[AdvisorRun]:
    runs = runs_visible_to(user)
    if filters.site:
        runs = runs.filter(site__code=filters.site)
    if filters.advisor:
        runs = runs.filter(advisor=filters.advisor)
    if filters.outcome and filters.outcome != "open":
        runs = runs.filter(outcome=filters.outcome)
    elif filters.outcome == "open":
        runs = runs.filter(outcome=Outcome.RECOMMENDED)
    return runs.order_by("-created_at", "-id")


def recommendation_list(user: AnyUser, filters: LogFilters) -> QuerySet[Recommendation]:
    found = recommendations_visible_to(user)
    if filters.site:
        found = found.filter(site__code=filters.site)
    if filters.advisor:
        found = found.filter(advisor=filters.advisor)
    if filters.outcome == "open":
        found = found.filter(is_open=True)
    elif filters.outcome:
        found = found.filter(status=filters.outcome)
    return found.order_by("-is_open", F("score").desc(nulls_last=True), "-created_at", "-id")


def recommendation_get(user: AnyUser, recommendation_id: int) -> Recommendation | None:
    return recommendations_visible_to(user).filter(pk=recommendation_id).first()


def recommendations_for_record(user: AnyUser, subject: models.Model) -> list[Recommendation]:
    """What a record's screen shows: recommendations about the row itself, about the Odoo transfer it concerns
    (delay risk on "picking:<id>"), and — for an advisory case — the recommendation that raised it."""
    found = recommendations_visible_to(user)
    scope = subject_type_is(subject) & Q(subject_id=subject.pk)
    odoo_id = getattr(subject, "odoo_id", None)
    if getattr(subject, "odoo_model", "") == "stock.picking" and odoo_id:
        scope |= Q(subject_key=f"picking:{odoo_id}")
    if getattr(subject, "kind", "") == "advisor_anomaly":
        scope |= Q(pk__in=[int(pk) for pk in getattr(subject, "subject_ids", []) or [] if str(pk).isdigit()])
    return list(found.filter(scope).order_by("-is_open", "-created_at", "-id")[:5])


def delay_risk_calibration(user: AnyUser, *, site_code: str = "") -> list[dict]:
    """Per site, the current delay-risk model's hold-out calibration (predicted vs observed per bin)."""
    sites = sites_visible_to(user)
    if site_code:
        sites = sites.filter(code=site_code)
    models_ = TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, is_current=True, site__in=sites)
    return [
        {
            "site": trained.site.code,
            "version": trained.version,
            "kind": trained.kind,
            "metrics": trained.metrics,
            "trained_at": trained.trained_at,
        }
        for trained in models_.select_related("site").order_by("site__code")
    ]
