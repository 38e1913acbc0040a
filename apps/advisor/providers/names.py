"""Names of customers and people taken out of what we send to an external model.

apps/core/redaction.py masks secrets in logs; this masks the names the business knows (partners in
the mirror: customers, suppliers, carriers' contacts; users; the responsible people and
salespeople Odoo names on transfers and orders), plus e-mail addresses, phone numbers and the name
after a greeting or sign-off ("Dear Anna", "Kind regards, Tom Baker"). An Odoo reference
(WH/IN/00012) or a product is not a person and stays: the model needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from apps.accounts.models import User
from apps.mirror.models import Partner, Picking, SaleOrder

CUSTOMER = "[customer]"
PERSON = "[person]"
EMAIL = "[email]"
PHONE = "[phone]"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# An international number, or one after "tel"/"phone"/"call" (a bare 2026-12-10 is a date, not a phone)
_PHONE = re.compile(r"\+\d[\d ()./-]{7,}\d\b|(?<=\b(?:tel|fon|ph.)[:.] )\d[\d ()./-]{6,}\d\b", re.I)
# "Dear Anna", "Hi Tom Baker", "Regards, Anna", "Thanks,\nTom Baker", "Best, J. Smith"
_NAME_WORDS = r"[A-Z][a-zA-Z'.-]+(?:[ \t]+[A-Z][a-zA-Z'.-]+){0,2}"
_GREETING = re.compile(
    r"\b(?P<cue>Dear|Hi|Hello|Hey|Attn:?|Attention:?)[ \t]+(?:Mr\.?|Mrs\.?|Ms\.?|Dr\.?)?[ \t]*" + _NAME_WORDS
)
_SIGN_OFF = re.compile(
    r"\b(?P<cue>(?:Kind |Best |Warm )?[Rr]egards|Thanks|Thank you|Cheers|Best|Sincerely"
    r"|Yours(?: sincerely| faithfully)?)"
    r"(?P<sep>[ \t]*[,.\-]?[ \t]*\n?[ \t]*)" + _NAME_WORDS
)
_MIN_NAME = 3  # "Al" would mask parts of ordinary words
_MAX_NAMES = 5000  # a bounded pattern; beyond this the greetings and sign-offs rules still apply


def known_names() -> tuple[list[str], list[str]]:
    """(customer and partner names, people's names) the business knows, longest first."""
    partners = list(
        Partner.objects.filter(is_deleted=False).exclude(name="").values_list("name", flat=True)[:_MAX_NAMES]
    )
    people: set[str] = set()
    for first, last in User.objects.values_list("first_name", "last_name")[:_MAX_NAMES]:
        people.update(part for part in (f"{first} {last}".strip(), last) if part)
    people.update(
        Picking.objects.exclude(responsible_name="").values_list("responsible_name", flat=True).distinct()[:500]
    )
    people.update(
        SaleOrder.objects.exclude(salesperson_name="").values_list("salesperson_name", flat=True).distinct()[:500]
    )
    return _longest_first(partners), _longest_first(people)


def _longest_first(names: Iterable[str]) -> list[str]:
    return sorted({name.strip() for name in names if len(name.strip()) >= _MIN_NAME}, key=len, reverse=True)


def _pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)", re.I)


class NameRedactor:
    """Built once per call (the names are read from the database), applied to every text sent out."""

    def __init__(self, customers: list[str] | None = None, people: list[str] | None = None) -> None:
        if customers is None or people is None:
            known_customers, known_people = known_names()
            customers = known_customers if customers is None else customers
            people = known_people if people is None else people
        self._customers = _pattern(customers)
        self._people = _pattern(people)

    def __call__(self, text: str) -> str:
        text = _EMAIL.sub(EMAIL, text)
        text = _PHONE.sub(PHONE, text)
        if self._customers:
            text = self._customers.sub(CUSTOMER, text)
        if self._people:
            text = self._people.sub(PERSON, text)
        text = _GREETING.sub(lambda match: f"{match.group('cue')} {PERSON}", text)
        text = _SIGN_OFF.sub(lambda match: f"{match.group('cue')}{match.group('sep')}{PERSON}", text)
        return text
