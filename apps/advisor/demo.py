"""Demo data for the advisors, and the generated transfer history the tests and the bench learn from.

The history's lateness depends on stated features plus noise: the carrier (deliveries) or the supplier
(receipts), the weekday and the day's load. `advisor_demo` (run by `make demo`) trains each demo site's
delay-risk model on such history (so the calibration shows before the site has history of its own; the nightly
training replaces it) and runs an anomaly scan on demo events, which leaves advisory cases with their
recommendations, some of them already accepted or rejected so the acceptance rate has something to show.
"""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, datetime, timedelta

import joblib
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.selectors import user_can_see_site
from apps.advisor.anomalies import Event, scan_site
from apps.advisor.delay_risk import (
    Transfer,
    auc,
    brier,
    calibration_bins,
    fit,
    model_predict,
    rules_fit,
    rules_predict,
)
from apps.advisor.models import AdvisorName, TrainedModel
from apps.advisor.services import recommendation_accept
from apps.sites.models import Site

CARRIERS = {"DHL Express": -0.9, "UPS Ground": 0.0, "Regional Freight": 1.2, "Cargo Slow": 1.8}
SUPPLIERS = {str(100 + n): effect for n, effect in enumerate([-1.2, -0.6, 0.0, 0.3, 0.8, 1.4, -0.3, 0.5])}
WEEKDAY = [0.6, 0.0, -0.2, 0.0, 0.7, 0.9, 1.1]  # Monday after the weekend, Friday rush, weekends short-staffed
START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday


def generate(*, weeks: int = 16, seed: int = 7, per_day: tuple[int, int] = (8, 30)) -> list[Transfer]:
    """Transfers in scheduled order over `weeks` weeks; `late` drawn from the stated logistic model."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    transfers: list[Transfer] = []
    number = 0
    for day in range(weeks * 7):
        date = START + timedelta(days=day)
        weekday = date.weekday()
        for direction, partners in (("outgoing", CARRIERS), ("incoming", SUPPLIERS)):
            load = rng.randint(*per_day)
            for slot in range(load):
                number += 1
                partner = rng.choice(list(partners))
                logit = -1.6 + partners[partner] + WEEKDAY[weekday] + 0.06 * (load - 19) + rng.gauss(0, 0.3)
                late = rng.random() < 1 / (1 + math.exp(-logit))
                transfers.append(
                    Transfer(
                        key=f"picking:{number}",
                        name=f"{'OUT' if direction == 'outgoing' else 'IN'}/{number:05d}",
                        direction=direction,
                        partner=partner,
                        weekday=weekday,
                        load=load,
                        scheduled=date + timedelta(hours=6, minutes=10 * slot),
                        late=late,
                    )
                )
    transfers.sort(key=lambda t: (t.scheduled, t.key))
    return transfers


def split_by_time(transfers: list[Transfer], *, test_weeks: int = 4) -> tuple[list[Transfer], list[Transfer]]:
    """Train on the earlier weeks, test on the last `test_weeks` (a time-based hold-out)."""
    cut = max(t.scheduled for t in transfers) - timedelta(weeks=test_weeks)
    return [t for t in transfers if t.scheduled <= cut], [t for t in transfers if t.scheduled > cut]


# -- make demo -----------------------------------------------------------------------------------
def demo_events(seed: int = 3) -> list[Event]:
    """Two weeks of ordinary events plus two patterns worth a look: one product adjusted again and again,
    one pick face where pickers keep failing."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    products = [f"FURN_{n:04d}" for n in range(40)]
    locations = [f"Stock/A{n:02d}-01" for n in range(25)]
    users = [f"picker{n}" for n in range(12)]
    events = [
        Event(
            signal=signal,
            product=rng.choice(products),
            location=rng.choice(locations),
            user=rng.choice(users) if signal != "adjustment" else "",
        )
        for signal, count in (("adjustment", 160), ("return", 90), ("pick_failure", 120))
        for _ in range(count)
    ]
    events += [Event("adjustment", "FURN_0007", f"Stock/A{n % 25:02d}-01", "") for n in range(22)]
    events += [Event("pick_failure", f"FURN_{n % 40:04d}", "Stock/A13-01", f"picker{n % 3}") for n in range(30)]
    return events


def demo_model(site: Site, *, seed: int) -> TrainedModel:
    """The site's delay-risk model trained on generated history (marked as such), with hold-out metrics."""
    history = generate(weeks=16, seed=seed)
    train, test = split_by_time(history)
    outcomes = [bool(t.late) for t in test]
    held_out = model_predict(fit(train), test)
    rules = rules_fit(train)
    baseline = [rules_predict(rules, t)[0] for t in test]
    buffer = io.BytesIO()
    joblib.dump(fit(history), buffer)
    metrics = {
        "rows": len(history),
        "late": sum(1 for t in history if t.late),
        "brier_model": round(brier(held_out, outcomes), 4),
        "brier_rules": round(brier(baseline, outcomes), 4),
        "auc_model": round(auc(held_out, outcomes), 4),
        "auc_rules": round(auc(baseline, outcomes), 4),
        "test_rows": len(test),
        "calibration": calibration_bins(held_out, outcomes),
        "demo": "Trained on generated demo history; the nightly training replaces it with the site's own.",
    }
    with transaction.atomic():
        TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, site=site, is_current=True).update(is_current=False)
        return TrainedModel.objects.create(
            advisor=AdvisorName.DELAY_RISK,
            site=site,
            version="delay-lr-demo",
            kind="calibrated-logistic-regression",
            blob=buffer.getvalue(),
            metrics=metrics,
        )


def seed_advisor_demo() -> dict[str, int]:
    """Idempotent: a site that already has a delay-risk model is left as it is."""
    done = {"models": 0, "anomalies": 0, "decided": 0}
    supervisor = User.objects.filter(username="supervisor").first()
    for number, site in enumerate(Site.objects.filter(is_active=True).order_by("code")):
        if TrainedModel.objects.filter(advisor=AdvisorName.DELAY_RISK, site=site).exists():
            continue
        demo_model(site, seed=20 + number)
        done["models"] += 1
        found = scan_site(site, events=demo_events(seed=3 + number), open_cases_now=False)
        done["anomalies"] += len(found)
        if supervisor is not None and user_can_see_site(supervisor, site.code) and len(found) > 1:
            recommendation_accept(
                recommendation_id=found[0].pk, user=supervisor, reason="Counted again: the bin label was wrong."
            )
            done["decided"] += 1
    return done
