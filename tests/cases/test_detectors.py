"""Every detector: raises on its condition, not on its absence, once; clears itself; comes back
when the condition returns; respects the site's settings."""

import pytest

from apps.cases.detectors import detector
from apps.cases.models import Case, CaseEvent, CaseSettings, Status
from apps.cases.services.actions import case_resolve
from apps.cases.services.detection import detect_subjects
from tests.cases.scenarios import SCENARIOS

pytestmark = pytest.mark.django_db


def run(code: str, subject_ids: list[int]):
    return detect_subjects(detector=detector(code), subject_ids=subject_ids)


def cases_of(code: str):
    return Case.objects.filter(kind=code)


@pytest.fixture(params=SCENARIOS, ids=lambda cls: cls.code)
def scenario(request, world):
    return request.param(world)


def test_raises_on_the_condition(scenario):
    outcome = run(scenario.code, scenario.make())
    (case,) = cases_of(scenario.code)
    assert outcome.opened == [case.pk]
    assert case.is_open and case.status == Status.OPEN and case.site.code == "BRU"
    assert case.sla_due_at > case.opened_at and case.priority_score > 0 and case.priority_reasons
    assert case.context["site"]["code"] == "BRU"
    assert case.events.get().kind == CaseEvent.Kind.DETECTED


def test_does_not_raise_when_the_condition_is_absent(scenario):
    outcome = run(scenario.code, scenario.absent())
    assert outcome.opened == [] and not cases_of(scenario.code).exists()


def test_raises_once_however_often_it_runs(scenario):
    subjects = scenario.make()
    run(scenario.code, subjects)
    second = run(scenario.code, subjects)
    assert second.opened == [] and second.changed == []
    assert cases_of(scenario.code).count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.DETECTED).count() == 1


def test_clears_itself_when_the_condition_clears(scenario):
    subjects = scenario.make()
    run(scenario.code, subjects)
    scenario.clear()
    outcome = run(scenario.code, subjects)
    (case,) = cases_of(scenario.code)
    assert outcome.cleared == [case.pk]
    assert case.status == Status.AUTO_RESOLVED and not case.is_open and case.resolved_at
    assert case.events.filter(kind=CaseEvent.Kind.AUTO_RESOLVED).exists()


def test_raises_again_when_the_condition_returns(scenario):
    subjects = scenario.make()
    run(scenario.code, subjects)
    scenario.clear()
    run(scenario.code, subjects)
    scenario.restore()
    outcome = run(scenario.code, subjects)
    assert len(outcome.opened) == 1
    assert cases_of(scenario.code).count() == 2
    assert cases_of(scenario.code).filter(is_open=True).count() == 1


def test_resolved_by_hand_stays_resolved_until_the_condition_clears_and_returns(scenario, supervisor):
    subjects = scenario.make()
    run(scenario.code, subjects)
    case = cases_of(scenario.code).get()
    case_resolve(case_id=case.pk, actor=supervisor, reason_code="fixed_on_floor")
    assert run(scenario.code, subjects).opened == []  # still there: the person said it is handled
    scenario.clear()
    run(scenario.code, subjects)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not case.condition_present
    scenario.restore()
    assert len(run(scenario.code, subjects).opened) == 1


def test_the_sites_settings_decide(scenario, sites):
    settings = CaseSettings(site=sites["BRU"])
    scenario.relax(settings)
    settings.save()
    run(scenario.code, scenario.make())
    assert not cases_of(scenario.code).exists()


def test_each_site_uses_its_own_settings(scenario, world, sites):
    settings = CaseSettings(site=sites["CHI"])
    scenario.relax(settings)
    settings.save()
    at_brussels = scenario
    at_chicago = type(scenario)(world, site="CHI")
    run(scenario.code, at_brussels.make())
    run(scenario.code, at_chicago.make())
    assert [case.site.code for case in cases_of(scenario.code)] == ["BRU"]
