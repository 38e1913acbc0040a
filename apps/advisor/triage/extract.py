"""The local reading of a supplier or carrier message: rules and regular expressions, no model.

Deterministic (the same text and day give the same answer) and offline. It classifies the message
as a delay, damage, a short shipment or other, and pulls out what is stated: the Odoo reference,
the new date, a quantity and a product. It does not guess: a message that looks like another
language is "other" with a low confidence, and a fact not found stays empty.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from apps.advisor.providers.base import DAMAGE, DELAY, OTHER, SHORT_SHIPMENT, TriageFacts

VERSION = "triage-rules-1"

# Odoo 17 names: transfers "WH/IN/00012" (warehouse code / operation / sequence), purchase orders
# "P00012" (some databases use "PO00012"), sale orders "S00042".
PICKING_REF = re.compile(r"\b([A-Z][A-Z0-9]{0,7}/(?:IN|OUT|INT|PICK|PACK|RET|RCV|DEL)/\d{3,7})\b", re.I)
ORDER_REF = re.compile(r"\b((?:PO|P|S|SO)\d{4,7})\b", re.I)

_KEYWORDS: dict[str, tuple[str, ...]] = {
    DELAY: (
        r"\bdelay(?:ed|s)?\b",
        r"\blate\b",
        r"\bpostpone[ds]?\b",
        r"\breschedul(?:e|ed|ing)\b",
        r"\bnew (?:eta|date|delivery date)\b",
        r"\beta\b",
        r"\bpushed back\b",
        r"\brunning behind\b",
        r"\bwill (?:now )?(?:arrive|be delivered|deliver|ship)\b",
        r"\bmoved to\b",
        r"\bnot arrive\b",
        r"\bheld up\b",
        r"\bbehind schedule\b",
        r"\bcannot deliver (?:on|before|until)\b",
    ),
    DAMAGE: (
        r"\bdamage[ds]?\b",
        r"\bbroken\b",
        r"\bcrushed\b",
        r"\bwet\b",
        r"\bdented\b",
        r"\btorn\b",
        r"\bleak(?:ing|ed|s)?\b",
        r"\bsmashed\b",
        r"\bdefective\b",
        r"\bcracked\b",
        r"\bwater[- ]damaged\b",
        r"\bcollapsed\b",
        r"\bpunctured\b",
    ),
    SHORT_SHIPMENT: (
        r"\bshort(?:[- ]shipped|age| delivery| shipment)?\b",
        r"\bmissing\b",
        r"\bonly \d+(?:\.\d+)? (?:of|out of)\b",
        r"\bpartial(?:ly)?\b",
        r"\bfewer\b",
        r"\bbackorder(?:ed)?\b",
        r"\bnot all\b",
        r"\bless than ordered\b",
        r"\bout of stock\b",
        r"\bcould not (?:load|ship) (?:all|the full)\b",
        r"\bunder[- ]?delivered\b",
    ),
}
_KEYWORD_RES = {kind: [re.compile(pattern, re.I) for pattern in patterns] for kind, patterns in _KEYWORDS.items()}

# Crude language check: common function words. A message with more foreign ones than English ones
# is not classified (a wrong guess is worse than "other" for a person to read).
_ENGLISH = frozenset(
    {
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "will",
        "be",
        "been",
        "to",
        "of",
        "and",
        "on",
        "in",
        "for",
        "with",
        "we",
        "our",
        "your",
        "you",
        "it",
        "this",
        "that",
        "has",
        "have",
        "by",
        "at",
        "from",
        "not",
        "please",
        "due",
        "as",
        "can",
        "unfortunately",
        "regards",
    }
)
_FOREIGN = frozenset().union(
    {
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "wir",
        "ihre",
        "ihr",
        "mit",
        "für",
        "von",
        "bis",
        "wird",
        "eine",
        "einen",
        "ein",
        "auf",
    },  # German
    {
        "le",
        "la",
        "les",
        "est",
        "et",
        "nous",
        "votre",
        "vos",
        "une",
        "des",
        "pour",
        "avec",
        "sera",
        "pas",
        "du",
        "au",
        "aux",
    },  # French
    {"el", "los", "las", "y", "es", "para", "con", "por", "una", "está", "será", "su", "sus"},  # Spanish
    {"het", "een", "en", "niet", "wij", "uw", "voor", "met", "zal", "van"},  # Dutch
    {"il", "lo", "gli", "è", "per", "con", "non", "sono", "della"},  # Italian
    {"o", "os", "não", "com", "para", "uma", "será"},  # Portuguese
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
         ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_TIME = r"(?:\s*(?:at|@|,)?\s*(?P<hour>\d{1,2})[:h](?P<minute>\d{2})\s*(?P<ampm>am|pm)?)?"

_DATE_PATTERNS = [
    re.compile(
        r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2}))?", re.I
    ),
    # 10/12/2026 and 10.12.2026 are read day first (the European way); 12/31/2026 cannot be, so it is month first.
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b" + _TIME, re.I),
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b" + _TIME, re.I),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?\b" + _TIME, re.I),
    re.compile(r"\b(?P<rel>today|tomorrow|the day after tomorrow)\b" + _TIME, re.I),
    re.compile(r"\b(?P<next>next|this|on|coming)?\s*" + _WEEKDAY + r"\b" + _TIME, re.I),
    re.compile(r"\bin\s+(?P<count>\d{1,2}|one|two|three|four|five|six|seven)\s+(?P<unit>days?|weeks?)\b", re.I),
]  # fmt: skip
_SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# A date after one of these words is the old one, not the new one.
_OLD_DATE_CUE = re.compile(
    r"(?:instead of|originally|was due|were due|previously|planned for|scheduled for|rather than)\s*(?:on\s+)?$", re.I
)

_QUANTITY = re.compile(
    r"\b(?:only\s+)?(?P<qty>\d+(?:[.,]\d+)?)(?:\s*(?:x\s+)?(?P<unit>units?|pcs|pieces?|cartons?|boxes|box|pallets?|cases?|ea|items?)\b)?"
    r"(?:\s+(?:out\s+)?of\s+(?P<total>\d+(?:[.,]\d+)?))?",
    re.I,
)
_PRODUCT_CODE = re.compile(r"\[(?P<code>[A-Z0-9_.-]{2,30})\]")
_PRODUCT_AFTER_QTY = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:x\s+)?(?:units?|pcs|pieces?|cartons?|boxes|box|pallets?|cases?|ea|items?)?\s*"
    r"(?:out\s+of\s+\d+\s+)?(?:of\s+(?:the\s+)?)?(?P<product>(?:\[[A-Z0-9_.-]+\]\s*)?[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,4})"
)


def looks_foreign(text: str) -> bool:
    """True when the message has more common foreign words than English ones (and enough words to tell)."""
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < 4:
        return False
    english = sum(1 for word in words if word in _ENGLISH)
    foreign = sum(1 for word in words if word in _FOREIGN)
    return foreign > english or (english == 0 and len(words) >= 8)


def classify(text: str) -> tuple[str, float, list[str]]:
    """(kind, confidence, reasons) from the keywords each class has in the message."""
    hits: dict[str, list[str]] = {}
    for kind, patterns in _KEYWORD_RES.items():
        found = [match.group(0).lower() for pattern in patterns for match in pattern.finditer(text)]
        if found:
            hits[kind] = found
    if not hits:
        return OTHER, 0.3, ["No words of a delay, damage or short shipment found"]
    ranked = sorted(hits.items(), key=lambda item: (-len(item[1]), list(_KEYWORDS).index(item[0])))
    kind, words = ranked[0]
    runner_up = len(ranked[1][1]) if len(ranked) > 1 else 0
    # Damage and short-shipment words are specific; a delay word next to them usually explains them
    # ("the damaged pallets will arrive late"), so the specific class wins a tie.
    if runner_up and len(words) == runner_up and kind == DELAY:
        kind, words = ranked[1]
    confidence = 0.9 if not runner_up else (0.75 if len(words) > runner_up else 0.55)
    unique = list(dict.fromkeys(words))
    shown = [
        word for word in unique if not any(word != other and word in other for other in unique)
    ]  # "eta" in "new eta"
    reasons = [f"Words of {kind.replace('_', ' ')}: " + ", ".join(shown)]
    others = [name.replace("_", " ") for name, _ in ranked if name != kind]
    if others:
        reasons.append("Also words of " + " and ".join(others))
    return kind, confidence, reasons


def find_reference(text: str) -> str:
    """The first transfer name in the message, else the first purchase or sale order name (upper case)."""
    picking = PICKING_REF.search(text)
    if picking:
        return picking.group(1).upper()
    order = ORDER_REF.search(text)
    return order.group(1).upper() if order else ""


def _year_for(month: int, day: int, today: date) -> date | None:
    """The next such day on or after today (a supplier announces future dates); None for 31 Feb."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today - timedelta(days=7):  # a date in the past week is a date just passed, keep it
            return candidate
    return None


def _time_of(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if not groups.get("hour"):
        return ""
    hour, minute = int(groups["hour"]), int(groups["minute"])
    if (groups.get("ampm") or "").lower() == "pm" and hour < 12:
        hour += 12
    if (groups.get("ampm") or "").lower() == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else ""


def _date_of(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("a"):
            first, second = int(groups["a"]), int(groups["b"])
            year = int(groups["year"])
            year += 2000 if year < 100 else 0
            day, month = (first, second) if second <= 12 else (second, first)
            return date(year, month, day)
        if groups.get("rel"):
            rel = groups["rel"].lower()
            return today + timedelta(days={"today": 0, "tomorrow": 1}.get(rel, 2))
        if groups.get("weekday"):
            target = _WEEKDAYS[groups["weekday"].lower()]
            # "next Tuesday" and "Tuesday" both mean the coming one; said on a Tuesday, the one a week on
            return today + timedelta(days=(target - today.weekday()) % 7 or 7)
        if groups.get("unit"):
            count_text = groups["count"].lower()
            count = _SMALL_NUMBERS.get(count_text) or int(count_text)
            return today + timedelta(days=count * (7 if groups["unit"].lower().startswith("week") else 1))
        month_text = groups["month"]
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower().rstrip(".")]
        day = int(groups["day"])
        if groups.get("year"):
            return date(int(groups["year"]), month, day)
        return _year_for(month, day, today)
    except (ValueError, KeyError):
        return None


def find_new_date(text: str, today: date) -> tuple[date | None, str]:
    """The new date (and time, "HH:MM" or "") the message announces: the last date stated, skipping
    one introduced as the old date ("instead of 3 Dec", "originally due 3 Dec")."""
    found: list[tuple[int, date, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and end > other_start for other_start, other_end in taken):
                continue  # "10/12/2026" is not also a weekday or a month match
            if _OLD_DATE_CUE.search(text[max(0, start - 40) : start]):
                taken.append((start, end))
                continue
            value = _date_of(match, today)
            if value is None:
                continue
            taken.append((start, end))
            found.append((start, value, _time_of(match)))
    if not found:
        return None, ""
    _start, value, at = max(found, key=lambda item: item[0])
    return value, at


def find_quantity_and_product(text: str, *, skip: str = "") -> tuple[float | None, str]:
    """The first quantity stated with a unit or "of", and the product named next to it (or a [CODE])."""
    cleaned = text.replace(skip, " ") if skip else text
    # Dates and references hold numbers too: blank them before looking for a quantity.
    for pattern in (PICKING_REF, ORDER_REF, *_DATE_PATTERNS):
        cleaned = pattern.sub(lambda m: " " * len(m.group(0)), cleaned)
    quantity: float | None = None
    for match in _QUANTITY.finditer(cleaned):
        if match.group("unit") or match.group("total") or re.match(r"\s*of\b", cleaned[match.end() :], re.I):
            value = float(match.group("qty").replace(",", "."))
            total = match.group("total")
            # "only 40 of 50" on a short shipment: the quantity missing is what a person acts on
            quantity = float(total.replace(",", ".")) - value if total else value
            break
    code = _PRODUCT_CODE.search(text)
    product = ""
    if code:
        product = code.group("code")
    else:
        named = _PRODUCT_AFTER_QTY.search(cleaned)
        if named and quantity is not None:
            product = named.group("product").strip()
    return quantity, product


def read_message(text: str, *, today: date) -> TriageFacts:
    """Classify a message and extract its facts (the local provider's whole answer)."""
    reference = find_reference(text)
    if looks_foreign(text):
        return TriageFacts(
            kind=OTHER,
            confidence=0.1,
            reference=reference,
            language="other",
            reasons=["Could not classify: the message looks like another language than English"],
        )
    kind, confidence, reasons = classify(text)
    new_date, new_time = find_new_date(text, today) if kind in (DELAY, OTHER) else (None, "")
    quantity, product = find_quantity_and_product(text) if kind in (DAMAGE, SHORT_SHIPMENT) else (None, "")
    if kind == DELAY and new_date is None:
        reasons.append("No new date found in the message")
        confidence = min(confidence, 0.6)
    if not reference:
        reasons.append("No order or transfer reference found")
        confidence = min(confidence, 0.5)
    return TriageFacts(
        kind=kind,
        confidence=round(confidence, 2),
        reference=reference,
        new_date=new_date if kind == DELAY else None,
        new_time=new_time if kind == DELAY else "",
        quantity=quantity,
        product=product,
        reasons=reasons,
    )
