"""Policy conditions: small JSON trees evaluated against a request's facts, and described in words.

A condition is `{}` (always), `{"all": [...]}`, `{"any": [...]}`, or a comparison
`{"field": "variance_pct", "op": "gte", "value": 5}`. Admins write them as data, so evaluation
never runs code and refuses what it does not know.
"""

from __future__ import annotations

from typing import Any

from apps.core.approval_kinds import kind_facts

OPERATORS = {
    "lt": ("<", lambda a, b: a < b),
    "lte": ("≤", lambda a, b: a <= b),
    "gt": (">", lambda a, b: a > b),
    "gte": ("≥", lambda a, b: a >= b),
    "eq": ("=", lambda a, b: a == b),
    "ne": ("≠", lambda a, b: a != b),
    "in": ("in", lambda a, b: a in b),
    "not_in": ("not in", lambda a, b: a not in b),
}

#: the facts a policy may test, with what they mean (shown on the policy page and checked on save)
FACTS = {
    "amount": "order or purchase amount",
    "credit": "customer's receivable (Odoo credit)",
    "credit_limit": "customer's credit limit",
    "over_limit_amount": "credit + order amount − credit limit",
    "over_limit_pct": "over_limit_amount as % of the credit limit",
    "variance_qty": "counted − on hand (units)",
    "variance_pct": "|variance| as % of on hand before the count",
    "variance_value": "|variance| × unit cost, when known",
    "freight_delta": "extra freight cost of the upgrade",
    "customer_priority": "1 (tier A) … 3 (tier C)",
    "risk_score": "0–100, from the rule that raised it",
    "delay_hours": "hours the carrier is late",
    "shortfall_qty": "units missing to the orderpoint maximum",
    "stock_ready": "every move reserved",
    "credit_ok": "customer within credit limit",
    "carrier_set": "a carrier is on the transfer",
}


class ConditionError(ValueError):
    """A condition that cannot be evaluated; the message says which part and why."""


def check_condition(condition: Any) -> None:
    """Raise ConditionError when the tree is malformed (unknown operator or fact, wrong shape)."""
    if condition in (None, {}):
        return
    if not isinstance(condition, dict):
        raise ConditionError(f"A condition is an object, not {condition!r}.")
    for combinator in ("all", "any"):
        if combinator in condition:
            if not isinstance(condition[combinator], list) or not condition[combinator]:
                raise ConditionError(f"'{combinator}' needs a non-empty list of conditions.")
            for part in condition[combinator]:
                check_condition(part)
            return
    field, op = condition.get("field"), condition.get("op")
    known = {**FACTS, **kind_facts()}  # plus the facts of kinds other apps registered
    if field not in known:
        raise ConditionError(f"Unknown fact {field!r}; use one of: {', '.join(known)}.")
    if op not in OPERATORS:
        raise ConditionError(f"Unknown operator {op!r}; use one of: {', '.join(OPERATORS)}.")
    if "value" not in condition:
        raise ConditionError(f"The comparison on {field!r} has no 'value'.")


def evaluate(condition: Any, facts: dict[str, Any]) -> bool:
    """True when the facts satisfy the condition. A missing fact never satisfies a comparison."""
    if condition in (None, {}):
        return True
    if "all" in condition:
        return all(evaluate(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, facts) for part in condition["any"])
    actual = facts.get(condition["field"])
    if actual is None:
        return False
    try:
        return bool(OPERATORS[condition["op"]][1](actual, condition["value"]))
    except TypeError:  # comparing a number with text: the condition does not hold
        return False


def describe(condition: Any, facts: dict[str, Any] | None = None) -> str:
    """The condition in words, with the actual values when facts are given: 'variance_pct ≥ 5 (was 12.5)'."""
    if condition in (None, {}):
        return "always"
    for combinator, joiner in (("all", " and "), ("any", " or ")):
        if combinator in condition:
            parts = [describe(part, facts) for part in condition[combinator]]
            return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    text = f"{condition['field']} {OPERATORS[condition['op']][0]} {condition['value']}"
    if facts is not None and condition["field"] in facts:
        text += f" (was {_show(facts[condition['field']])})"
    return text


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
