"""The external provider against a local chat completions server: what it sends, and the fallback to
the local rules on every kind of failure (timeout, error, nonsense, wrong types, too large)."""

import json
import time
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.advisor.providers.choose import provider_for
from apps.advisor.providers.external import ExternalProvider
from apps.advisor.providers.local import LOCAL
from apps.mirror.models import Partner

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
MESSAGE = (
    "Dear Marc Demo,\nthe delivery from Gemini Furniture for P00012 is delayed, new ETA 10 Dec 2026. "
    "Call me on +32 2 555 01 23 or write to anna.w@gemini.example.\nKind regards,\nAnna Winter"
)
GOOD = {
    "kind": "delay", "confidence": 0.82, "reference": "P00012", "new_date": "2026-12-11", "new_time": "",
    "quantity": None, "product": "", "reasons": ["The supplier announces a new ETA"],
}  # fmt: skip


@pytest.fixture
def names(db):
    now = timezone.now()
    Partner.objects.create(odoo_id=7, name="Gemini Furniture", is_company=True, synced_at=now)
    User.objects.create(username="marc", first_name="Marc", last_name="Demo")


def test_a_valid_answer_is_used_and_says_it_came_from_the_model(chat_model, names):
    chat_model.answer(GOOD)
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert answer.provider == "external" and not answer.fallback_reason
    assert answer.output.new_date == date(2026, 12, 11)  # the model's date, not the local rules' 10 Dec
    assert answer.output.confidence == 0.82
    body = chat_model.requests[0]
    assert body["model"] == "test-model" and body["max_tokens"] == 400
    assert json.loads(answer.prompt)[1]["content"] == body["messages"][1]["content"]  # the log keeps what was sent


def test_the_prompt_carries_no_customer_or_person_names(chat_model, names):
    chat_model.answer(GOOD)
    ExternalProvider().triage(MESSAGE, today=TODAY)
    sent = chat_model.sent_text()
    for name in ("Gemini", "Marc", "Demo", "Anna", "Winter", "anna.w@", "555 01 23"):
        assert name not in sent
    assert "P00012" in sent and "10 Dec 2026" in sent  # the facts the model needs are still there
    assert "[customer]" in sent and "[person]" in sent


def test_a_model_that_does_not_answer_in_time_falls_back_to_the_local_rules(chat_model, names, settings):
    settings.ADVISOR_LLM_TIMEOUT_S = 0.5
    chat_model.mode, chat_model.hang_s = "hang", 3
    started = time.monotonic()
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert time.monotonic() - started < 2
    assert answer.provider == "local"
    assert "within 0.5 s" in answer.fallback_reason
    assert (answer.output.kind, answer.output.new_date) == ("delay", date(2026, 12, 10))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Sure! The message is about a delay.", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "kind"}), "lacks kind"),
        (json.dumps({**GOOD, "confidence": "high"}), "'confidence' has the wrong type"),
        (json.dumps({**GOOD, "quantity": True}), "'quantity' has the wrong type"),
        (json.dumps({**GOOD, "kind": "lost_in_space"}), "is not one of"),
        (json.dumps({**GOOD, "confidence": 7}), "outside 0..1"),
        (json.dumps({**GOOD, "new_date": "next week"}), "not YYYY-MM-DD"),
        (json.dumps({**GOOD, "reference": "DROP TABLE"}), "not an Odoo name"),
    ],
)
def test_nonsense_is_refused_by_the_schema_and_the_local_rules_answer(chat_model, names, content, reason):
    chat_model.answer(content)
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert answer.provider == "local"
    assert reason in answer.fallback_reason
    assert answer.output == LOCAL.triage(MESSAGE, today=TODAY).output


@pytest.mark.parametrize(("mode", "reason"), [("error", "HTTP 500"), ("not_a_completion", "not a chat completion")])
def test_an_api_error_falls_back(chat_model, names, mode, reason):
    chat_model.mode = mode
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert answer.provider == "local" and reason in answer.fallback_reason


def test_a_prompt_over_the_size_cap_is_not_sent(chat_model, names, settings):
    settings.ADVISOR_LLM_MAX_INPUT_CHARS = 100
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert chat_model.requests == []
    assert answer.provider == "local" and "over the cap of 100" in answer.fallback_reason


def test_another_language_is_not_sent_to_the_model(chat_model, names):
    answer = ExternalProvider().triage("Die Lieferung für P00012 verspätet sich bis zum 10.12.2026.", today=TODAY)
    assert chat_model.requests == []
    assert (answer.output.kind, answer.provider) == ("other", "local")


def test_a_loopback_model_is_refused_unless_its_host_is_allowed(chat_model, names, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    answer = ExternalProvider().triage(MESSAGE, today=TODAY)
    assert chat_model.requests == [] and "loopback" in answer.fallback_reason


def test_the_site_uses_the_external_model_only_when_enabled_and_configured(chat_model, settings):
    assert provider_for(external_enabled=False) is LOCAL
    assert isinstance(provider_for(external_enabled=True), ExternalProvider)
    settings.ADVISOR_LLM_URL = ""
    assert provider_for(external_enabled=True) is LOCAL


FACTS = {
    "site": {"code": "BRU", "name": "Brussels", "timezone": "Europe/Brussels"},
    "shift": {"name": "Early shift", "starts": "2026-12-03T05:00:00+00:00"},
    "clusters": [{"kind": "late_receipt", "label": "Late receipt", "severity": "high", "count": 3}],
    "open_cases": 3,
    "approvals": {
        "waiting": 2,
        "past_sla": 1,
        "oldest": {"title": "Credit hold for Gemini Furniture", "waiting_s": 7200},
    },
    "docks": {"available": False, "late": 0, "overrun": 0, "items": []},
    "changes": {"previous_shift": "Night shift", "since": "2026-12-02T21:00:00+00:00", "opened": 4, "closed": 1},
}


def test_the_summary_is_rewritten_by_the_model_and_names_stay_home(chat_model, names):
    chat_model.answer({"summary": "Early shift: 3 exceptions open, mostly late receipts; 2 approvals wait, 1 late."})
    answer = ExternalProvider().summarise(FACTS, now=NOW)
    assert answer.provider == "external"
    assert answer.output.text.startswith("Early shift: 3 exceptions")
    assert "Gemini" not in chat_model.sent_text()


def test_a_summary_that_loses_the_numbers_falls_back_to_the_template(chat_model, names):
    chat_model.answer({"summary": "A calm morning with a few things to look at, nothing serious at all."})
    answer = ExternalProvider().summarise(FACTS, now=NOW)
    assert answer.provider == "local" and "drops the counts" in answer.fallback_reason
    assert answer.output.text == LOCAL.summarise(FACTS, now=NOW).output.text
