"""Delay risk: the calibrated model vs the transparent rules on a time-based hold-out of generated history
(lateness depends on carrier, supplier, weekday and load, plus noise): train on the first 12 weeks, test on
the last 4. Higher AUC and lower Brier are better."""

from __future__ import annotations

from apps.advisor.delay_risk import auc, brier, fit, model_predict, rules_fit, rules_predict
from apps.advisor.demo import generate, split_by_time


def run() -> dict[str, dict]:
    train, test = split_by_time(generate(weeks=16, seed=7))
    outcomes = [bool(t.late) for t in test]
    model = model_predict(fit(train), test)
    rules = rules_fit(train)
    baseline = [rules_predict(rules, t)[0] for t in test]
    print(f"   {len(train)} training transfers, {len(test)} held out, {sum(outcomes)} of them late")
    return {
        "delay_risk_auc_model": {"value": round(auc(model, outcomes), 4), "unit": "AUC", "goal": "> rules"},
        "delay_risk_auc_rules": {"value": round(auc(baseline, outcomes), 4), "unit": "AUC", "goal": "baseline"},
        "delay_risk_brier_model": {"value": round(brier(model, outcomes), 4), "unit": "Brier", "goal": "< rules"},
        "delay_risk_brier_rules": {"value": round(brier(baseline, outcomes), 4), "unit": "Brier", "goal": "baseline"},
    }
