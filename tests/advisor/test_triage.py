"""Message triage end to end: read, match at the site, propose; nothing reaches Odoo until a person
confirms; the confirmed update is queued in the outbox (and a case opens for damage or a short shipment)."""

import json
from datetime import UTC, datetime

import pytest

from apps.advisor.errors import AdvisorError
from apps.advisor.models import AdvisorName, AdvisorRun, Outcome
from apps.advisor.services import advisor_setting_save, recommendation_accept, recommendation_reject
from apps.advisor.triage.services import message_triage
from apps.cases.models import Case
from apps.writeback.models import OutboxEntry

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # Thursday, 09:00 in Brussels


DELAY = "Hello, the delivery for P00012 will be delayed because of a breakdown. New ETA 10 Dec 2026."
DAMAGE = "Driver reports 3 cartons of [FURN_7777] Office Chair were crushed during loading for BRU/IN/00012."


def test_a_delay_is_matched_through_its_purchase_order_and_proposed_without_writing(world, sites, supervisor):
    result = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    assert result.facts.kind == "delay"
    assert result.match.picking == world["receipt"] and result.match.order_name == "P00012"
    assert result.proposal["scheduled_date"] == "2026-12-10T13:30:00+00:00"  # the same local time of day, new date
    assert result.recommendation.title == "Move BRU/IN/00012 from Fri 4 Dec 14:30 to Thu 10 Dec 14:30"
    assert OutboxEntry.objects.count() == 0  # nothing goes to Odoo before a person confirms
    run = result.run
    assert (run.advisor, run.provider, run.outcome) == (AdvisorName.MESSAGE_TRIAGE, "local", Outcome.RECOMMENDED)
    assert run.subject_key == f"picking:{world['receipt'].odoo_id}" and run.prompt == ""


def test_confirming_a_delay_queues_the_new_date_and_a_note_in_the_outbox(
    world, sites, supervisor, django_capture_on_commit_callbacks
):
    result = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    with django_capture_on_commit_callbacks():
        recommendation_accept(recommendation_id=result.recommendation.pk, user=supervisor, reason="Supplier called too")
    entries = {entry.operation: entry for entry in OutboxEntry.objects.all()}
    assert set(entries) == {"set_scheduled_date", "post_message"}
    moved = entries["set_scheduled_date"]
    assert (moved.odoo_model, moved.odoo_id) == ("stock.picking", world["receipt"].odoo_id)
    assert moved.arguments == {"scheduled_date": "2026-12-10 13:30:00"}
    assert moved.site_code == "BRU" and moved.requested_by == supervisor
    assert "New date announced: Thu 10 Dec 14:30" in entries["post_message"].arguments["body"]
    assert AdvisorRun.objects.get(pk=result.run.pk).outcome == Outcome.ACCEPTED


def test_the_same_message_twice_proposes_once(world, sites, supervisor):
    first = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    second = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    assert first.recommendation.pk == second.recommendation.pk
    assert AdvisorRun.objects.filter(advisor=AdvisorName.MESSAGE_TRIAGE).count() == 2  # every run is logged


def test_rejecting_writes_nothing(world, sites, supervisor):
    result = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    recommendation_reject(recommendation_id=result.recommendation.pk, user=supervisor, reason="Wrong order")
    assert OutboxEntry.objects.count() == 0


def test_confirmed_damage_opens_a_case_and_notes_the_transfer(
    world, sites, supervisor, django_capture_on_commit_callbacks
):
    result = message_triage(site=sites["BRU"], text=DAMAGE, user=supervisor, now=NOW)
    assert (result.facts.kind, result.facts.quantity, result.match.product) == ("damage", 3, world["chair"])
    assert Case.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_accept(recommendation_id=result.recommendation.pk, user=supervisor)
    case = Case.objects.get()
    assert (case.kind, case.site.code, case.severity) == ("supplier_damage", "BRU", "medium")
    assert case.title == "Damage reported: BRU/IN/00012"
    assert ["Quantity", "3 × Office Chair"] in case.context["fact"]["rows"]
    assert list(OutboxEntry.objects.values_list("operation", flat=True)) == ["post_message"]  # no quantity written


def test_a_transfer_of_another_site_is_not_matched(world, sites, supervisor):
    result = message_triage(site=sites["BRU"], text="CHI/IN/00044 is delayed, new ETA 9 Dec.", user=supervisor, now=NOW)
    assert result.recommendation is None and result.match.picking is None
    assert "not a transfer of BRU" in result.explanation


@pytest.mark.parametrize(("text", "status", "words"), [("   ", 400, "Paste"), ("x" * 20_001, 413, "at most 20000")])
def test_empty_or_huge_messages_are_refused_with_a_message(world, sites, supervisor, text, status, words):
    with pytest.raises(AdvisorError) as refused:
        message_triage(site=sites["BRU"], text=text, user=supervisor, now=NOW)
    assert refused.value.status == status and words in str(refused.value)
    assert AdvisorRun.objects.count() == 0


def test_another_language_is_other_with_low_confidence_and_nothing_to_confirm(world, sites, supervisor):
    text = "Die Lieferung für P00012 verspätet sich bis zum 10.12.2026, wir bitten um Entschuldigung."
    result = message_triage(site=sites["BRU"], text=text, user=supervisor, now=NOW)
    assert (result.facts.kind, result.recommendation) == ("other", None)
    assert result.run.confidence <= 0.2 and "another language" in result.explanation


def test_a_model_answering_nonsense_is_replaced_by_the_rules_and_logged(
    world, sites, supervisor, admin_user, chat_model
):
    advisor_setting_save(
        site=sites["BRU"], advisor=AdvisorName.MESSAGE_TRIAGE, actor=admin_user, external_provider_enabled=True
    )
    chat_model.answer("I think this is probably a delay, hope that helps!")
    result = message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    assert result.recommendation is not None and result.facts.kind == "delay"
    run = result.run
    assert run.provider == "local (fallback from external)" and "not valid JSON" in run.error
    assert json.loads(run.prompt)[1]["content"].startswith("Today is 2026-12-03")  # what was sent is kept


def test_a_site_without_the_external_model_never_calls_it(world, sites, supervisor, chat_model):
    message_triage(site=sites["BRU"], text=DELAY, user=supervisor, now=NOW)
    assert chat_model.requests == []
