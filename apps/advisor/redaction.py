"""What an advisor may keep of its inputs: no names of customers or people, only the fields it needs.

Inputs are hashed before redaction (so an identical input is recognised) and stored redacted; prompts for an
external provider are built from redacted inputs only.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

MASK = "<redacted>"
#: keys whose values name a customer, a supplier contact or a person
NAME_KEYS = frozenset(
    {
        "partner",
        "partner_name",
        "customer",
        "customer_name",
        "supplier",
        "supplier_name",
        "contact",
        "contact_name",
        "user",
        "username",
        "user_name",
        "assignee",
        "responsible",
        "name_of_person",
        "email",
        "phone",
    }
)


def redact_inputs(value: Any) -> Any:
    """A copy of `value` with every name-like key masked, at any depth."""
    if isinstance(value, dict):
        return {key: (MASK if str(key).lower() in NAME_KEYS else redact_inputs(item)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_inputs(item) for item in value]
    return value


def inputs_hash(value: Any) -> str:
    """sha256 of the inputs as canonical JSON (sorted keys): the same inputs give the same hash."""
    encoded = json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()
