"""Anomalies advisor: found in injected data, not in clean data; raised as advisory cases with their reasons."""

from __future__ import annotations

import random

import pytest

from apps.advisor.anomalies import KIND, Event, find, modified_z, scan_site
from apps.advisor.models import AdvisorName, AdvisorRun, Outcome, Recommendation
from apps.cases.models import Case, Severity


def clean_events(seed: int = 3) -> list[Event]:
    """Two weeks of ordinary noise: every product, location and user has a few of each signal."""
    rng = random.Random(seed)
    products = [f"CT-{n:03d}" for n in range(40)]
    locations = [f"BRU/Stock/A{n:02d}" for n in range(25)]
    users = [f"picker{n}" for n in range(12)]
    events = []
    for signal, count in (("adjustment", 160), ("return", 90), ("pick_failure", 120)):
        for _ in range(count):
            events.append(
                Event(
                    signal=signal,
                    product=rng.choice(products),
                    location=rng.choice(locations),
                    user=rng.choice(users) if signal != "adjustment" else "",
                )
            )
    return events


def injected() -> list[Event]:
    events = clean_events()
    events += [Event("adjustment", "CT-007", f"BRU/Stock/A{n % 25:02d}", "") for n in range(22)]  # one product
    events += [Event("pick_failure", f"CT-0{n % 40:02d}", "BRU/Stock/A13", "picker4") for n in range(30)]
    return events


def test_clean_data_has_no_anomaly():
    for seed in range(5):
        assert find(clean_events(seed)) == []


def test_injected_anomalies_are_found_with_their_reasons():
    found = {(a.signal, a.dimension, a.value) for a in find(injected())}
    assert ("adjustment", "product", "CT-007") in found
    assert ("pick_failure", "location", "BRU/Stock/A13") in found
    assert ("pick_failure", "user", "picker4") in found
    assert not any(value.startswith("picker") and signal == "adjustment" for signal, _, value in found)
    top = find(injected())[0]
    assert "Robust z-score" in top.reasons()[1] and "in 14 days" in top.reasons()[0]


def test_robust_scale_survives_most_values_equal():
    median, scale = modified_z([1, 1, 1, 1, 1, 1, 9])
    assert median == 1 and scale > 0


@pytest.mark.django_db
def test_a_scan_raises_advisory_cases_and_clears_them(sites, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found = scan_site(sites["BRU"], events=injected())
    assert found and all(r.advisor == AdvisorName.ANOMALIES and r.is_open for r in found)
    cases = Case.objects.filter(kind=KIND, is_open=True)
    assert cases.count() == len(found)
    assert set(cases.values_list("severity", flat=True)) <= {Severity.LOW, Severity.MEDIUM}
    assert AdvisorRun.objects.filter(advisor=AdvisorName.ANOMALIES, subject_key="scan:BRU").exists()
    # the user dimension's name never reaches the run log's inputs
    user_run = AdvisorRun.objects.filter(advisor=AdvisorName.ANOMALIES, subject_key__contains=":user:").first()
    assert user_run is not None and user_run.inputs["user"] == "<redacted>"
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_site(sites["BRU"], events=clean_events()) == []
    assert not Recommendation.objects.filter(advisor=AdvisorName.ANOMALIES, is_open=True).exists()
    assert set(Recommendation.objects.values_list("status", flat=True)) == {Outcome.EXPIRED}
    assert not Case.objects.filter(kind=KIND, is_open=True).exists()
