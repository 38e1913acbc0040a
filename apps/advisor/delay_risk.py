"""Delay-risk advisor: the probability that a receipt or delivery misses its scheduled date.

Learned per site from the site's own mirrored history (done transfers: late or not against the site's grace)
with scikit-learn: one-hot carrier/supplier, weekday, direction and the day's load, a logistic regression
calibrated with CalibratedClassifierCV (sigmoid). Trained by a beat task, stored in the database
(`TrainedModel`, joblib bytes: every web and worker process reads the same version without a shared disk).
With too little history it falls back to transparent rules — the late share of the carrier or supplier and of
the weekday, shrunk toward the site's own rate — and says so in the reasons. Nothing is downloaded.

The pure functions (`features`, `fit`, `rules_fit`, `predict`, `brier`, `auc`, `calibration_bins`) serve the
beat task, the tests and the bench alike.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import joblib
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.advisor.models import AdvisorName, Recommendation, TrainedModel
from apps.advisor.services import recommendation_expire, recommendation_propose, run_record, run_seen, stopwatch
from apps.cases.site_rules import SiteResolver, SiteRules
from apps.mirror.models import Picking
from apps.mirror.selectors import site_warehouse_ids
from apps.sites.models import Site

VERSION_RULES = "delay-rules-1"
MIN_TRAIN_ROWS = 200  # fewer done transfers than this: rules, not a model
MIN_CLASS_ROWS = 20  # and at least this many late and this many on time
HISTORY_DAYS = 120
HORIZON = timedelta(days=3)  # open transfers scheduled within this are scored
RISK_THRESHOLD = 0.5  # a recommendation is raised at or above this probability
SHRINK = 5.0  # rules: pseudo-count pulling a small group's late share toward the site's rate
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DIRECTION_WORDS = {"incoming": "Receipt", "outgoing": "Delivery"}


@dataclass(frozen=True)
class Transfer:
    """One receipt or delivery as the advisor sees it (plain values; the bench makes them up)."""

    key: str  # "picking:<odoo id>"
    name: str
    direction: str  # incoming | outgoing
    partner: str  # the carrier (deliveries) or the supplier (receipts); "" unknown
    weekday: int  # local weekday of the scheduled date, 0 = Monday
    load: int  # transfers of the same direction scheduled that local day at the site
    scheduled: datetime
    late: bool | None = None  # known once done


def features(transfer: Transfer) -> dict[str, float]:
    return {
        f"direction={transfer.direction}": 1.0,
        f"partner={transfer.direction}:{transfer.partner or '?'}": 1.0,
        f"weekday={transfer.weekday}": 1.0,
        "load": float(transfer.load),
        "load_sq": float(transfer.load) ** 2 / 100.0,
    }


# -- learning ------------------------------------------------------------------------------------
def fit(history: Sequence[Transfer]) -> Any:
    """A calibrated logistic regression on the history (every row with `late` known)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler

    rows = [t for t in history if t.late is not None]
    labels = [int(bool(t.late)) for t in rows]
    pipeline = make_pipeline(DictVectorizer(sparse=True), MaxAbsScaler(), LogisticRegression(C=1.0, max_iter=1000))
    model = CalibratedClassifierCV(pipeline, method="sigmoid", cv=3)
    model.fit([features(t) for t in rows], labels)
    return model


def model_predict(model: Any, transfers: Sequence[Transfer]) -> list[float]:
    if not transfers:
        return []
    return [float(p) for p in model.predict_proba([features(t) for t in transfers])[:, 1]]


@dataclass
class Rules:
    """The transparent fallback: late shares of the site, of each carrier/supplier and of each weekday."""

    base: float = 0.15
    rows: int = 0
    partner: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (late, total)
    weekday: dict[int, tuple[int, int]] = field(default_factory=dict)


def rules_fit(history: Sequence[Transfer]) -> Rules:
    rows = [t for t in history if t.late is not None]
    late_by_partner: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    late_by_day: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t in rows:
        for bucket in (late_by_partner[f"{t.direction}:{t.partner}"], late_by_day[t.weekday]):
            bucket[0] += int(bool(t.late))
            bucket[1] += 1
    base = (sum(int(bool(t.late)) for t in rows) + 0.15 * SHRINK) / (len(rows) + SHRINK)
    return Rules(
        base=base,
        rows=len(rows),
        partner={key: (v[0], v[1]) for key, v in late_by_partner.items()},
        weekday={key: (v[0], v[1]) for key, v in late_by_day.items()},
    )


def _shrunk(late: int, total: int, base: float) -> float:
    return (late + base * SHRINK) / (total + SHRINK)


def rules_predict(rules: Rules, transfer: Transfer) -> tuple[float, list[str]]:
    """Probability and the reasons, as a person would reason: the carrier's record, the weekday's record."""
    reasons = []
    estimates = []
    who = _("Carrier") if transfer.direction == "outgoing" else _("Supplier")
    late, total = rules.partner.get(f"{transfer.direction}:{transfer.partner}", (0, 0))
    if total:
        estimates.append(_shrunk(late, total, rules.base))
        reasons.append(
            _("%(who)s %(name)s late on %(late)d of %(total)d transfers")
            % {"who": who, "name": transfer.partner or _("unknown"), "late": late, "total": total}
        )
    late, total = rules.weekday.get(transfer.weekday, (0, 0))
    if total:
        estimates.append(_shrunk(late, total, rules.base))
        reasons.append(
            _("%(day)s: late on %(late)d of %(total)d transfers")
            % {"day": WEEKDAYS[transfer.weekday], "late": late, "total": total}
        )
    if not estimates:
        reasons.append(_("No history for this carrier, supplier or weekday: the site's rate"))
        return rules.base, reasons
    # log-odds: each record moves the site's rate by how far it is from it
    logit = _logit(rules.base) + sum(_logit(e) - _logit(rules.base) for e in estimates)
    return _sigmoid(logit), reasons


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# -- scores --------------------------------------------------------------------------------------
def brier(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    return sum((p - int(o)) ** 2 for p, o in zip(probabilities, outcomes, strict=True)) / max(1, len(outcomes))


def auc(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    from sklearn.metrics import roc_auc_score

    if len(set(outcomes)) < 2:
        return float("nan")
    return float(roc_auc_score([int(o) for o in outcomes], list(probabilities)))


def calibration_bins(probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10) -> list[dict]:
    """Predicted vs observed per probability bin (only bins with transfers)."""
    grouped: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, o in zip(probabilities, outcomes, strict=True):
        grouped[min(int(p * bins), bins - 1)].append((p, o))
    return [
        {
            "bin": f"{index / bins:.1f}–{(index + 1) / bins:.1f}",
            "predicted": round(sum(p for p, _ in rows) / len(rows), 3),
            "observed": round(sum(int(o) for _, o in rows) / len(rows), 3),
            "count": len(rows),
        }
        for index, rows in sorted(grouped.items())
    ]


# -- the site's history from the mirror ----------------------------------------------------------
def _grace_min(rules: SiteRules, direction: str) -> int:
    settings = rules.settings
    return settings.late_receipt_grace_min if direction == "incoming" else settings.picking_late_grace_min


def site_transfers(site: Site, *, done: bool, now: datetime, rules: SiteRules) -> list[Transfer]:
    """Done transfers of the last HISTORY_DAYS (with `late`), or open ones scheduled within HORIZON."""
    pickings = Picking.objects.filter(
        picking_type__warehouse_id__in=site_warehouse_ids(site.code),
        picking_type_code__in=("incoming", "outgoing"),
        is_deleted=False,
        scheduled_date__isnull=False,
    )
    if done:
        pickings = pickings.filter(
            state="done", date_done__isnull=False, scheduled_date__gte=now - timedelta(days=HISTORY_DAYS)
        )
    else:
        pickings = pickings.exclude(state__in=("done", "cancel", "draft")).filter(scheduled_date__lte=now + HORIZON)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in pickings.values(
            "odoo_id", "name", "picking_type_code", "carrier_name", "partner_id", "scheduled_date", "date_done"
        ).order_by("scheduled_date", "odoo_id")
    ]
    tz = site.tzinfo
    load = _daily_load(site, rows, tz)
    transfers = []
    for row in rows:
        local = row["scheduled_date"].astimezone(tz)
        direction = row["picking_type_code"]
        partner = row["carrier_name"] if direction == "outgoing" else str(row["partner_id"] or "")
        late = None
        if done:
            late = row["date_done"] > row["scheduled_date"] + timedelta(minutes=_grace_min(rules, direction))
        transfers.append(
            Transfer(
                key=f"picking:{row['odoo_id']}",
                name=row["name"],
                direction=direction,
                partner=partner,
                weekday=local.weekday(),
                load=load.get((local.date(), direction), 0),
                scheduled=row["scheduled_date"],
                late=late,
            )
        )
    return transfers


def _daily_load(site: Site, rows: list[dict[str, Any]], tz: Any) -> dict:
    """Transfers per local day and direction, counted over everything scheduled those days (done or not)."""
    if not rows:
        return {}
    start = min(r["scheduled_date"] for r in rows) - timedelta(days=1)
    end = max(r["scheduled_date"] for r in rows) + timedelta(days=1)
    counts: Counter = Counter()
    scheduled = Picking.objects.filter(
        picking_type__warehouse_id__in=site_warehouse_ids(site.code),
        picking_type_code__in=("incoming", "outgoing"),
        is_deleted=False,
        scheduled_date__range=(start, end),
    ).exclude(state="cancel")
    for when, direction in scheduled.values_list("scheduled_date", "picking_type_code"):
        if when is not None:
            counts[(when.astimezone(tz).date(), direction)] += 1
    return dict(counts)


# -- training (the beat task) --------------------------------------------------------------------
def train_site(site: Site, *, now: datetime | None = None) -> TrainedModel:
    """Fit the site's model on its history and make it current. Short history: a rules "model" that
    records why. Hold-out (later 25% by scheduled time) metrics and calibration bins go in `metrics`."""
    now = now or timezone.now()
    rules_of_site = SiteResolver().for_site_code(site.code)
    history = site_transfers(site, done=True, now=now, rules=rules_of_site) if rules_of_site else []
    late = sum(1 for t in history if t.late)
    version_stamp = now.strftime("%Y%m%d%H%M")
    metrics: dict[str, Any] = {"rows": len(history), "late": late}
    if len(history) < MIN_TRAIN_ROWS or min(late, len(history) - late) < MIN_CLASS_ROWS:
        kind, blob = "rules", b""
        version = VERSION_RULES
        metrics["why"] = _(
            "Rules: %(rows)d done transfers (%(late)d late) in the last %(days)d days; "
            "a model needs %(need)d, with %(min)d late and %(min)d on time."
        ) % {"rows": len(history), "late": late, "days": HISTORY_DAYS, "need": MIN_TRAIN_ROWS, "min": MIN_CLASS_ROWS}
    else:
        split = int(len(history) * 0.75)
        train, test = history[:split], history[split:]
        outcomes = [bool(t.late) for t in test]
        held_out = model_predict(fit(train), test)
        baseline = rules_fit(train)
        rules_p = [rules_predict(baseline, t)[0] for t in test]
        metrics.update(
            brier_model=round(brier(held_out, outcomes), 4),
            brier_rules=round(brier(rules_p, outcomes), 4),
            auc_model=round(auc(held_out, outcomes), 4),
            auc_rules=round(auc(rules_p, outcomes), 4),
            test_rows=len(test),
            calibration=calibration_bins(held_out, outcomes),
        )
        buffer = io.BytesIO()
        joblib.dump(fit(history), buffer)
        kind, blob = "calibrated-logistic-regression", buffer.getvalue()
        version = f"delay-lr-{version_stamp}"
    with transaction.atomic():
        TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, site=site, is_current=True).update(is_current=False)
        return TrainedModel.objects.create(
            advisor=AdvisorName.DELAY_RISK, site=site, version=version, kind=kind, blob=blob, metrics=metrics
        )


def current_model(site: Site) -> TrainedModel | None:
    return TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, site=site, is_current=True).first()


def _load(trained: TrainedModel) -> Any:
    # Our own bytes, written by train_site into our database: never a file from elsewhere.
    return joblib.load(io.BytesIO(bytes(trained.blob)))


# -- scoring open transfers ----------------------------------------------------------------------
def score_site(site: Site, *, now: datetime | None = None) -> int:
    """Score the site's open receipts and deliveries due within HORIZON; log every run whose inputs moved and
    propose a recommendation for each at or above RISK_THRESHOLD. Returns how many transfers were scored."""
    now = now or timezone.now()
    rules_of_site = SiteResolver().for_site_code(site.code)
    if rules_of_site is None:
        return 0
    trained = current_model(site)
    open_transfers = site_transfers(site, done=False, now=now, rules=rules_of_site)
    if not open_transfers:
        return 0
    use_model = trained is not None and trained.kind != "rules" and bool(trained.blob)
    with stopwatch() as watch:
        if use_model:
            assert trained is not None
            probabilities = model_predict(_load(trained), open_transfers)
            history_rules = None
        else:
            history = site_transfers(site, done=True, now=now, rules=rules_of_site)
            history_rules = rules_fit(history)
            probabilities = []
    per_transfer_ms = watch.ms // max(1, len(open_transfers))
    for index, transfer in enumerate(open_transfers):
        score_transfer(
            site,
            transfer,
            trained=trained,
            probability=probabilities[index] if use_model else None,
            rules=history_rules,
            latency_ms=per_transfer_ms,
        )
    return len(open_transfers)


def score_transfer(
    site: Site,
    transfer: Transfer,
    *,
    trained: TrainedModel | None,
    probability: float | None,
    rules: Rules | None,
    latency_ms: int = 0,
) -> Recommendation | None:
    inputs = {
        "transfer": transfer.key,
        "direction": transfer.direction,
        "partner": transfer.partner,  # a carrier name or a supplier's id: redacted in the log (a name)
        "weekday": transfer.weekday,
        "load": transfer.load,
        "scheduled": transfer.scheduled.isoformat(),
    }
    if trained is not None and probability is not None:  # the site's model answered
        version, provider = trained.version, "local:scikit-learn"
        reasons = _model_reasons(trained, transfer, probability)
    else:
        assert rules is not None
        version, provider = VERSION_RULES, "local:rules"
        probability, reasons = rules_predict(rules, transfer)
        why = trained.metrics.get("why") if trained is not None else None
        reasons.insert(0, why or _("Rules, not a model: the site's model has not been trained yet."))
    dedupe = f"delay_risk:{transfer.key}"
    if run_seen(advisor=AdvisorName.DELAY_RISK, version=version, subject_key=transfer.key, inputs=inputs):
        return None
    confidence = round(max(probability, 1 - probability), 3)
    if trained is None or trained.kind == "rules":
        confidence = min(confidence, 0.6)  # rules are a rough guide: never confident enough to act alone
    run = run_record(
        advisor=AdvisorName.DELAY_RISK,
        version=version,
        site=site,
        subject_key=transfer.key,
        inputs=inputs,
        output={"probability": round(probability, 4), "name": transfer.name},
        reasons=reasons,
        confidence=confidence,
        latency_ms=latency_ms,
        provider=provider,
    )
    if probability < RISK_THRESHOLD:
        recommendation_expire(dedupe_key=dedupe, reason=_("The risk fell below the threshold."))
        return None
    word = DIRECTION_WORDS.get(transfer.direction, "Transfer")
    title = _("%(word)s %(name)s likely late: %(p)d%% risk") % {
        "word": _(word),
        "name": transfer.name,
        "p": round(100 * probability),
    }
    return recommendation_propose(run=run, title=title, dedupe_key=dedupe, score=round(probability, 4))


def _model_reasons(trained: TrainedModel, transfer: Transfer, probability: float) -> list[str]:
    who = _("carrier") if transfer.direction == "outgoing" else _("supplier")
    reasons = [
        _("Learned from %(rows)d done transfers at this site (model %(version)s)")
        % {"rows": trained.metrics.get("rows", 0), "version": trained.version},
        _("Inputs: %(who)s %(name)s, %(day)s, %(load)d transfers that day")
        % {"who": who, "name": transfer.partner or "?", "day": WEEKDAYS[transfer.weekday], "load": transfer.load},
        _("Probability of missing the scheduled date: %(p)d%%") % {"p": round(100 * probability)},
    ]
    if "brier_model" in trained.metrics:
        reasons.append(
            _("On the hold-out: Brier %(model).3f vs %(rules).3f for the rules")
            % {"model": trained.metrics["brier_model"], "rules": trained.metrics["brier_rules"]}
        )
    return reasons


def trained_counts() -> dict[str, int]:
    return dict(
        TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, is_current=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
