"""Delay-risk advisor: calibration on generated history (Brier against the rules baseline, time-based hold-out),
training from the mirror with a fallback to rules on short history, and every scored transfer logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.advisor.delay_risk import (
    auc,
    brier,
    calibration_bins,
    fit,
    model_predict,
    rules_fit,
    rules_predict,
    score_site,
    train_site,
)
from apps.advisor.demo import generate, split_by_time
from apps.advisor.models import AdvisorName, AdvisorRun, Recommendation
from apps.mirror.models import Picking
from tests.cases.factories import _base, make_partner, make_site_world


def test_model_beats_the_rules_and_is_calibrated_on_a_time_based_hold_out():
    train, test = split_by_time(generate(weeks=16, seed=11))
    outcomes = [bool(t.late) for t in test]
    model = model_predict(fit(train), test)
    rules = rules_fit(train)
    baseline = [rules_predict(rules, t)[0] for t in test]
    assert brier(model, outcomes) < brier(baseline, outcomes)
    assert auc(model, outcomes) > 0.7
    bins = calibration_bins(model, outcomes)
    weighted_gap = sum(b["count"] * abs(b["predicted"] - b["observed"]) for b in bins) / len(outcomes)
    assert weighted_gap < 0.06  # predicted probabilities match what happened


def test_rules_explain_themselves():
    history = generate(weeks=4, seed=2)
    rules = rules_fit(history)
    probability, reasons = rules_predict(rules, history[0])
    assert 0 < probability < 1
    assert reasons[0].startswith(("Carrier", "Supplier")) and " late on " in reasons[0]


@pytest.fixture
def world(sites):
    return make_site_world("BRU")


def _mirror(world, transfers, *, done: bool):
    supplier = make_partner(ref="")
    rows = []
    for t in transfers:
        scheduled = t.scheduled
        rows.append(
            Picking(
                name=t.name,
                state="done" if done else "assigned",
                picking_type_id=world.types[t.direction].odoo_id,
                picking_type_code=t.direction,
                scheduled_date=scheduled,
                date_done=(scheduled + timedelta(hours=3 if t.late else -1)) if done else None,
                carrier_name=t.partner if t.direction == "outgoing" else "",
                partner_id=supplier.odoo_id if t.direction == "incoming" else None,
                **_base(),
            )
        )
    Picking.objects.bulk_create(rows)


@pytest.mark.django_db
def test_short_history_falls_back_to_rules_and_says_so(world, sites):
    history = generate(weeks=1, seed=5, per_day=(1, 3))
    _mirror(world, history, done=True)
    now = max(t.scheduled for t in history) + timedelta(hours=1)
    trained = train_site(sites["BRU"], now=now)
    assert trained.kind == "rules" and "a model needs 200" in trained.metrics["why"]
    _mirror(
        world,
        [t.__class__(**{**t.__dict__, "scheduled": now + timedelta(hours=5), "late": None}) for t in history[:3]],
        done=False,
    )
    assert score_site(sites["BRU"], now=now) == 3
    runs = AdvisorRun.objects.filter(advisor=AdvisorName.DELAY_RISK)
    assert runs.count() == 3  # every scored transfer is logged
    assert [(run.provider, run.reasons[0][:6]) for run in runs] == [("local:rules", "Rules:")] * 3
    assert all(run.confidence <= 0.6 for run in runs)


@pytest.mark.django_db
def test_long_history_trains_a_model_stored_in_the_database(world, sites):
    history = generate(weeks=3, seed=9, per_day=(6, 10))
    _mirror(world, history, done=True)
    now = max(t.scheduled for t in history) + timedelta(hours=1)
    trained = train_site(sites["BRU"], now=now)
    assert trained.kind == "calibrated-logistic-regression" and len(bytes(trained.blob)) > 100
    assert {"brier_model", "brier_rules", "auc_model", "calibration"} <= set(trained.metrics)
    slow = [t for t in history if t.partner == "Cargo Slow"][:2]
    upcoming = [
        t.__class__(**{**t.__dict__, "name": f"NEW/{i}", "scheduled": now + timedelta(hours=4), "late": None})
        for i, t in enumerate(slow)
    ]
    _mirror(world, upcoming, done=False)
    assert score_site(sites["BRU"], now=now) == 2
    run = AdvisorRun.objects.filter(advisor=AdvisorName.DELAY_RISK).first()
    assert run.version == trained.version and run.provider == "local:scikit-learn"
    assert 0 <= run.output["probability"] <= 1
    # scoring again with nothing changed logs nothing new
    score_site(sites["BRU"], now=now)
    assert AdvisorRun.objects.filter(advisor=AdvisorName.DELAY_RISK).count() == 2
    for recommendation in Recommendation.objects.filter(advisor=AdvisorName.DELAY_RISK):
        assert recommendation.score >= 0.5 and "likely late" in recommendation.title
    assert timezone.now()  # the model is never fetched from elsewhere: the blob is ours
