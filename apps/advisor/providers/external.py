"""The external provider: an OpenAI-compatible chat model, behind every guard we can put around it.

- Only the fields a task needs go out, and names of customers and people are masked first
  (apps/advisor/providers/names.py); the prompt logged is the prompt sent.
- A prompt longer than ADVISOR_LLM_MAX_INPUT_CHARS is not sent; the answer is capped at
  ADVISOR_LLM_MAX_OUTPUT_TOKENS; the call has ADVISOR_LLM_TIMEOUT_S in all.
- The answer is checked against a schema (types, allowed values, ranges). Anything else — no answer,
  an error, invalid JSON, a missing field, a wrong type — and the local provider answers instead,
  with the reason recorded. A request never waits longer than the timeout and never fails because
  of the model.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Any

from django.conf import settings

from apps.advisor.providers import chat
from apps.advisor.providers.base import TRIAGE_KINDS, Answer, ShiftSummaryText, TriageFacts
from apps.advisor.providers.local import LOCAL
from apps.advisor.providers.names import NameRedactor
from apps.advisor.triage.extract import ORDER_REF, PICKING_REF, looks_foreign

TRIAGE_SYSTEM = (
    "You read messages from suppliers and carriers to a warehouse. Answer with one JSON object and "
    "nothing else, with exactly these keys: "
    '"kind": one of "delay", "damage", "short_shipment", "other"; '
    '"confidence": a number from 0 to 1; '
    '"reference": the Odoo order or transfer reference stated (like WH/IN/00012, P00012, S00042) or ""; '
    '"new_date": the new date announced as "YYYY-MM-DD", or null; '
    '"new_time": the new time announced as "HH:MM", or ""; '
    '"quantity": the quantity damaged or missing as a number, or null; '
    '"product": the product named, or ""; '
    '"reasons": a list of at most 3 short sentences saying why. '
    "Do not guess facts the message does not state. Names of people and companies are masked."
)
SUMMARY_SYSTEM = (
    "You write the shift-start briefing for a warehouse supervisor. From the JSON facts and the draft, "
    "write at most 6 short plain sentences that keep every number exactly as given and add nothing "
    'that is not in the facts. Answer with one JSON object: {"summary": "..."}.'
)
MAX_SUMMARY_CHARS = 2000


class AnswerRejected(chat.ChatError):
    """The model answered, but not what the schema allows."""


def _check_types(value: dict[str, Any], schema: dict[str, tuple[type, ...]]) -> None:
    missing = [key for key in schema if key not in value]
    if missing:
        raise AnswerRejected(f"The model's answer lacks {', '.join(missing)}.")
    for key, types in schema.items():
        item = value[key]
        if isinstance(item, bool) and bool not in types:  # JSON true is not a number here
            raise AnswerRejected(f"The model's {key!r} has the wrong type (boolean).")
        if not isinstance(item, types):
            raise AnswerRejected(f"The model's {key!r} has the wrong type ({type(item).__name__}).")


_TRIAGE_SCHEMA: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "confidence": (int, float),
    "reference": (str,),
    "new_date": (str, type(None)),
    "new_time": (str,),
    "quantity": (int, float, type(None)),
    "product": (str,),
    "reasons": (list,),
}


def triage_from_answer(value: dict[str, Any], *, today: date) -> TriageFacts:
    """The model's answer as TriageFacts, or AnswerRejected saying what is wrong with it."""
    _check_types(value, _TRIAGE_SCHEMA)
    if value["kind"] not in TRIAGE_KINDS:
        raise AnswerRejected(f"The model's kind {value['kind'][:40]!r} is not one of {', '.join(TRIAGE_KINDS)}.")
    if not 0 <= value["confidence"] <= 1:
        raise AnswerRejected("The model's confidence is outside 0..1.")
    reference = value["reference"].strip().upper()
    if reference and not (PICKING_REF.fullmatch(reference) or ORDER_REF.fullmatch(reference)):
        raise AnswerRejected("The model's reference is not an Odoo name.")
    new_date = None
    if value["new_date"]:
        try:
            new_date = date.fromisoformat(value["new_date"])
        except ValueError:
            raise AnswerRejected("The model's new_date is not YYYY-MM-DD.") from None
        if abs((new_date - today).days) > 366:
            raise AnswerRejected("The model's new_date is more than a year away.")
    new_time = value["new_time"].strip()
    if new_time:
        try:
            datetime.strptime(new_time, "%H:%M")
        except ValueError:
            raise AnswerRejected("The model's new_time is not HH:MM.") from None
    quantity = value["quantity"]
    if quantity is not None and not 0 <= quantity < 10**7:
        raise AnswerRejected("The model's quantity is out of range.")
    reasons = value["reasons"]
    if not all(isinstance(reason, str) for reason in reasons):
        raise AnswerRejected("The model's reasons are not sentences.")
    return TriageFacts(
        kind=value["kind"],
        confidence=round(float(value["confidence"]), 2),
        reference=reference,
        new_date=new_date,
        new_time=new_time,
        quantity=float(quantity) if quantity is not None else None,
        product=value["product"].strip()[:200],
        reasons=[reason.strip()[:300] for reason in reasons[:3] if reason.strip()]
        or ["Classified by the external model"],
    )


def summary_from_answer(value: dict[str, Any], facts: dict[str, Any]) -> ShiftSummaryText:
    _check_types(value, {"summary": (str,)})
    text = value["summary"].strip()
    if not 20 <= len(text) <= MAX_SUMMARY_CHARS:
        raise AnswerRejected("The model's summary is empty or too long.")
    # Prose may reword, but a briefing that lost the headline numbers is not one
    needed = {str(facts["open_cases"]), str(facts["approvals"]["waiting"])}
    if not all(number in text for number in needed):
        raise AnswerRejected("The model's summary drops the counts of open exceptions or waiting approvals.")
    return ShiftSummaryText(text)


class ExternalProvider:
    """Used only where an admin enabled it for the site; falls back to LOCAL on anything wrong."""

    name = "external"

    def __init__(self, redactor: NameRedactor | None = None) -> None:
        self._redactor = redactor

    @property
    def redact(self) -> NameRedactor:
        if self._redactor is None:
            self._redactor = NameRedactor()
        return self._redactor

    def _fallback(self, local: Answer, started: float, reason: str, prompt: str = "") -> Answer:
        return Answer(
            output=local.output,
            provider=LOCAL.name,
            prompt=prompt,
            fallback_reason=reason,
            latency_ms=int((time.monotonic() - started) * 1000),
        )

    def _ask(self, system: str, user: str) -> tuple[str, dict[str, Any]]:
        """(the prompt as sent, the JSON object answered); ChatError when there is none."""
        prompt = json.dumps([{"role": "system", "content": system}, {"role": "user", "content": user}])
        if len(user) > settings.ADVISOR_LLM_MAX_INPUT_CHARS:
            raise chat.ChatError(
                f"The prompt has {len(user)} characters, "
                f"over the cap of {settings.ADVISOR_LLM_MAX_INPUT_CHARS}: not sent."
            )
        content = chat.complete([{"role": "system", "content": system}, {"role": "user", "content": user}])
        return prompt, chat.parse_json_object(content)

    def triage(self, message: str, *, today: date) -> Answer:
        started = time.monotonic()
        local = LOCAL.triage(message, today=today)
        if looks_foreign(message):  # the brief's promise: "could not classify", not a model's guess
            return self._fallback(local, started, "The message looks like another language; not sent.")
        user = f"Today is {today.isoformat()}. Message:\n{self.redact(message)}"
        prompt = ""
        try:
            prompt, value = self._ask(TRIAGE_SYSTEM, user)
            facts = triage_from_answer(value, today=today)
        except chat.ChatError as exc:
            return self._fallback(local, started, str(exc), prompt or _prompt_of(TRIAGE_SYSTEM, user))
        return Answer(
            output=facts, provider=self.name, prompt=prompt, latency_ms=int((time.monotonic() - started) * 1000)
        )

    def summarise(self, facts: dict[str, Any], *, now: datetime) -> Answer:
        started = time.monotonic()
        local = LOCAL.summarise(facts, now=now)
        assert isinstance(local.output, ShiftSummaryText)
        user = self.redact(
            "Facts: " + json.dumps(facts, sort_keys=True, default=str) + "\nDraft:\n" + local.output.text
        )
        prompt = ""
        try:
            prompt, value = self._ask(SUMMARY_SYSTEM, user)
            text = summary_from_answer(value, facts)
        except chat.ChatError as exc:
            return self._fallback(local, started, str(exc), prompt or _prompt_of(SUMMARY_SYSTEM, user))
        return Answer(
            output=text, provider=self.name, prompt=prompt, latency_ms=int((time.monotonic() - started) * 1000)
        )


def _prompt_of(system: str, user: str) -> str:
    return json.dumps([{"role": "system", "content": system}, {"role": "user", "content": user}])
