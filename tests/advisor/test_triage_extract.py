"""The local reading of supplier and carrier messages, on the hand-written set (triage_messages.py)."""

import pytest

from apps.advisor.triage.extract import read_message
from tests.advisor.triage_messages import MESSAGES, TODAY


@pytest.mark.parametrize("case", MESSAGES, ids=[m["text"][:40] for m in MESSAGES])
def test_each_hand_written_message_is_read_as_a_person_would(case):
    facts = read_message(case["text"], today=TODAY)
    assert facts.kind == case["kind"]
    assert facts.reference == case["reference"]
    assert (facts.new_date.isoformat() if facts.new_date else None) == case.get("new_date")
    assert facts.new_time == case.get("new_time", "")
    assert facts.quantity == case.get("quantity")
    if "product" in case:
        assert facts.product == case["product"]
    assert facts.language == case.get("language", "en")
    assert facts.reasons, "every answer says why"


def test_the_set_covers_every_class_and_is_large_enough():
    kinds = {m["kind"] for m in MESSAGES}
    assert kinds == {"delay", "damage", "short_shipment", "other"}
    assert len(MESSAGES) >= 15


def test_another_language_is_not_guessed():
    facts = read_message("Die Lieferung für P00012 ist beschädigt und wird nicht geliefert.", today=TODAY)
    assert (facts.kind, facts.language) == ("other", "other")
    assert facts.confidence <= 0.2
    assert "another language" in facts.reasons[0]


def test_a_delay_without_a_reference_or_date_is_less_confident():
    sure = read_message("P00012 is delayed, new ETA 10 Dec.", today=TODAY)
    vague = read_message("Our trucks are delayed this week.", today=TODAY)
    assert sure.confidence > vague.confidence
    assert any("No new date" in reason for reason in vague.reasons)
    assert any("No order or transfer reference" in reason for reason in vague.reasons)
