"""Anomalies advisor: unusual inventory adjustments, returns and repeated pick failures, by product, location
and user, found with robust statistics and raised as advisory exception cases.

For each signal and each dimension, every entity's count of events over the window is compared with its
peers' by the modified z-score (0.6745 · (x − median) / MAD; Iglewicz and Hoaglin), which one wild value
cannot drag along as it would a mean and a standard deviation. An entity is unusual when its score passes
Z_LOW and its count is also well above the median (so a handful of events is never "unusual"). Each one is a
recommendation (reasons: the count, the median, the score) and — through the exception-facts registry the
cases app owns — an advisory case of kind `advisor_anomaly`, severity low or medium. A scan that no longer
finds it expires the recommendation, and the case clears by itself.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.advisor.models import AdvisorName, Recommendation
from apps.advisor.services import recommendation_expire, recommendation_propose, run_record, stopwatch
from apps.cases.models import PickFailureReport, Severity
from apps.core.exception_facts import ExceptionFact, ExceptionSource, FactKind, facts_changed
from apps.mirror.models import Location, Move, Picking, Product
from apps.mirror.selectors import site_warehouse_ids
from apps.sites.models import Site

VERSION = "anomalies-mad-1"
WINDOW = timedelta(days=14)
Z_LOW = 5.0  # modified z-score from which an entity is unusual (3.5 is the textbook flag; we raise cases)
Z_MEDIUM = 9.0
MIN_EVENTS = 5  # and at least this many events
MIN_RATIO = 3.0  # and at least this many times the median
MIN_PEERS = 5  # fewer entities than this: no peers to compare with
# Counts are small whole numbers, where a MAD of 1 or 2 makes ordinary luck look extreme: an entity must also be
# improbable as a draw at the typical rate (Poisson tail), below this chance shared among all its peers.
TAIL_CHANCE = 0.001
SOURCE = "advisor"
KIND = "advisor_anomaly"
FACT_KIND = FactKind(KIND, "Unusual pattern (advisor)", "recommendation")

SIGNALS = {
    "adjustment": _("inventory adjustments"),
    "return": _("returns"),
    "pick_failure": _("pick failures"),
}
DIMENSIONS = {"product": _("Product"), "location": _("Location"), "user": _("User")}


@dataclass(frozen=True)
class Event:
    signal: str  # adjustment | return | pick_failure
    product: str  # display names (the run log redacts users)
    location: str
    user: str


@dataclass(frozen=True)
class Anomaly:
    signal: str
    dimension: str
    value: str
    count: int
    median: float
    z: float
    peers: int

    @property
    def severity(self) -> str:
        return Severity.MEDIUM if self.z >= Z_MEDIUM else Severity.LOW

    @property
    def key(self) -> str:
        return f"anomalies:{self.signal}:{self.dimension}:{self.value}"

    def reasons(self) -> list[str]:
        return [
            _(
                "%(count)d %(signal)s in %(days)d days for this %(dimension)s; "
                "the typical one of %(peers)d has %(median)s"
            )
            % {
                "count": self.count,
                "signal": SIGNALS[self.signal],
                "days": WINDOW.days,
                "dimension": str(DIMENSIONS[self.dimension]).lower(),
                "peers": self.peers,
                "median": f"{self.median:g}",
            },
            _("Robust z-score %(z).1f (median and MAD; %(low)g flags, %(medium)g is medium severity)")
            % {"z": self.z, "low": Z_LOW, "medium": Z_MEDIUM},
        ]


def modified_z(values: Sequence[float]) -> tuple[float, float]:
    """(median, scale) so that z = (x − median) / scale. Scale is MAD/0.6745; with MAD zero (most values equal)
    the mean absolute deviation stands in (× 1.2533), and 1 when everything is equal."""
    median = float(statistics.median(values))
    mad = float(statistics.median([abs(v - median) for v in values]))
    if mad > 0:
        return median, mad / 0.6745
    mean_ad = sum(abs(v - median) for v in values) / len(values)
    return median, (1.2533 * mean_ad) if mean_ad > 0 else 1.0


def poisson_tail(count: int, rate: float) -> float:
    """P(X ≥ count) for X ~ Poisson(rate): how likely this many events are by chance at the typical rate."""
    term = math.exp(-rate)
    below = 0.0
    for k in range(count):
        below += term
        term *= rate / (k + 1)
    return max(0.0, 1.0 - below)


def find(events: Iterable[Event]) -> list[Anomaly]:
    """The unusual entities among these events, most unusual first. Pure: tests inject events directly."""
    per: dict[tuple[str, str], Counter] = {}
    for event in events:
        for dimension in DIMENSIONS:
            value = getattr(event, dimension)
            if value:
                per.setdefault((event.signal, dimension), Counter())[value] += 1
    found = []
    for (signal, dimension), counts in per.items():
        if len(counts) < MIN_PEERS:
            continue
        median, scale = modified_z(list(counts.values()))
        for value, count in counts.items():
            z = (count - median) / scale
            unusual = z >= Z_LOW and count >= MIN_EVENTS and count >= MIN_RATIO * median
            if unusual and poisson_tail(count, max(median, 1.0)) < TAIL_CHANCE / len(counts):
                found.append(Anomaly(signal, dimension, value, count, median, round(z, 2), len(counts)))
    return sorted(found, key=lambda a: (-a.z, a.key))


# -- the site's events from the mirror and the pick-failure reports ---------------------------------
def site_events(site: Site, *, now: datetime) -> list[Event]:
    since = now - WINDOW
    locations = {
        row[0]: row for row in Location.objects.values_list("odoo_id", "complete_name", "usage", "warehouse_id")
    }
    warehouse_ids = set(_site_warehouses(site))
    inventory = {pk for pk, row in locations.items() if row[2] == "inventory"}
    customer = {pk for pk, row in locations.items() if row[2] == "customer"}
    ours = {pk for pk, row in locations.items() if row[3] in warehouse_ids}
    moves = Move.objects.filter(state="done", date__gte=since, is_deleted=False).filter(
        Q(location_id__in=inventory, location_dest_id__in=ours)
        | Q(location_dest_id__in=inventory, location_id__in=ours)
        | Q(location_id__in=customer, location_dest_id__in=ours)
    )
    rows = list(moves.values("product_id", "location_id", "location_dest_id", "picking_id"))
    products = dict(
        Product.objects.filter(
            odoo_id__in={r["product_id"] for r in rows} | _failure_products(site, since)
        ).values_list("odoo_id", "default_code")
    )
    responsible = dict(
        Picking.objects.filter(odoo_id__in={r["picking_id"] for r in rows if r["picking_id"]}).values_list(
            "odoo_id", "responsible_name"
        )
    )
    events = []
    for row in rows:
        if row["location_id"] in customer:
            signal, where = "return", row["location_dest_id"]
        else:
            signal = "adjustment"
            where = row["location_dest_id"] if row["location_id"] in inventory else row["location_id"]
        events.append(
            Event(
                signal=signal,
                product=products.get(row["product_id"]) or f"#{row['product_id']}",
                location=locations.get(where, (None, f"#{where}"))[1],
                user=responsible.get(row["picking_id"], "") if signal == "return" else "",
            )
        )
    failures = PickFailureReport.objects.filter(reported_at__gte=since, location_odoo_id__in=ours)
    users = dict(User.objects.filter(pk__in=failures.values("reported_by")).values_list("pk", "username"))
    for report in failures.values("product_odoo_id", "location_odoo_id", "reported_by"):
        product = report["product_odoo_id"]
        events.append(
            Event(
                signal="pick_failure",
                product=(products.get(product) or f"#{product}") if product else "",
                location=locations.get(report["location_odoo_id"], (None, f"#{report['location_odoo_id']}"))[1],
                user=users.get(report["reported_by"], ""),
            )
        )
    return events


def _site_warehouses(site: Site) -> list[int]:
    return list(site_warehouse_ids(site.code))


def _failure_products(site: Site, since: datetime) -> set[int]:
    found = PickFailureReport.objects.filter(reported_at__gte=since).values_list("product_odoo_id", flat=True)
    return {product for product in found if product is not None}


# -- the scan (a beat task) ----------------------------------------------------------------------
def scan_site(
    site: Site, *, now: datetime | None = None, events: list[Event] | None = None, open_cases_now: bool = True
) -> list[Recommendation]:
    """Find the site's anomalies, log the scan, propose each one and expire those no longer found. The cases
    follow at once (`open_cases_now`) or with the exception sweep (the demo seeds before anything runs)."""
    now = now or timezone.now()
    with stopwatch() as watch:
        events = site_events(site, now=now) if events is None else events
        anomalies = find(events)
    found: list[Recommendation] = []
    for anomaly in anomalies:
        run = run_record(
            advisor=AdvisorName.ANOMALIES,
            version=VERSION,
            site=site,
            subject_key=anomaly.key,
            inputs={
                "signal": anomaly.signal,
                "dimension": anomaly.dimension,
                ("user" if anomaly.dimension == "user" else "value"): anomaly.value,
                "count": anomaly.count,
                "median": anomaly.median,
                "peers": anomaly.peers,
            },
            output={"z": anomaly.z, "severity": anomaly.severity},
            reasons=anomaly.reasons(),
            confidence=round(min(0.95, 0.5 + anomaly.z / 40), 3),
            latency_ms=watch.ms,
        )
        title = _("Unusual %(signal)s: %(dimension)s %(value)s") % {
            "signal": SIGNALS[anomaly.signal],
            "dimension": str(DIMENSIONS[anomaly.dimension]).lower(),
            "value": anomaly.value,
        }
        found.append(
            recommendation_propose(run=run, title=title, dedupe_key=f"{anomaly.key}@{site.code}", score=anomaly.z)
        )
    # one summary run for the scan itself, so a scan that finds nothing is logged too
    run_record(
        advisor=AdvisorName.ANOMALIES,
        version=VERSION,
        site=site,
        subject_key=f"scan:{site.code}",
        inputs={"events": len(events), "window_days": WINDOW.days},
        output={"anomalies": len(anomalies)},
        reasons=[_("%(n)d unusual patterns among %(events)d events") % {"n": len(anomalies), "events": len(events)}],
        latency_ms=watch.ms,
    )
    keep = {r.pk for r in found}
    for stale in Recommendation.objects.filter(advisor=AdvisorName.ANOMALIES, site=site, is_open=True).exclude(
        pk__in=keep
    ):
        recommendation_expire(dedupe_key=stale.dedupe_key, reason=_("No longer unusual."))
    if open_cases_now:
        facts_changed(source=SOURCE, site_code=site.code)
    return found


# -- advisory cases, through the cases app's exception facts ---------------------------------------
class AnomalyFacts(ExceptionSource):
    """Open anomaly recommendations are advisory cases (registered in AdvisorConfig.ready)."""

    kinds = (FACT_KIND,)

    def candidates(self, *, kind: str, now: datetime, site_code: str = "") -> Iterable[int]:
        open_ones = Recommendation.objects.filter(advisor=AdvisorName.ANOMALIES, is_open=True)
        if site_code:
            open_ones = open_ones.filter(site__code=site_code)
        return list(open_ones.values_list("pk", flat=True))

    def facts(self, *, kind: str, subject_ids: set[int], now: datetime) -> list[ExceptionFact]:
        recommendations = Recommendation.objects.filter(
            pk__in=subject_ids, advisor=AdvisorName.ANOMALIES, is_open=True
        ).select_related("site")
        return [
            ExceptionFact(
                kind=KIND,
                subject_id=r.pk,
                site_code=r.site.code,
                severity=Severity.MEDIUM if (r.score or 0) >= Z_MEDIUM else Severity.LOW,
                title=r.title,
                detail={"z": r.score, "recommendation": r.pk},
                context={
                    "heading": _("Advisor: unusual pattern"),
                    "rows": [[_("Why"), reason] for reason in r.reasons],
                    "url": f"/advisor/?advisor=anomalies&site={r.site.code}",
                },
            )
            for r in recommendations
        ]


ANOMALY_FACTS = AnomalyFacts()
