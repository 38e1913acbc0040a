"""The API's one body parser: JSON of bounded size and depth, with plain numbers and no NUL characters.

DRF's JSONParser reads the stream itself (so Django's DATA_UPLOAD_MAX_MEMORY_SIZE check never runs),
lets a deeply nested body raise RecursionError (a 500), accepts NaN/Infinity, and passes NUL
characters that PostgreSQL refuses later (another 500). Each of these is refused here with DRF's
own exceptions, so the problem handler (apps/core/api/problems.py) shapes them: 413 past
API_MAX_BODY_BYTES, 400 for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.core.api.exceptions import PayloadTooLarge

MAX_DEPTH = 32  # our payloads nest three or four levels; a policy's conditions a few more


def check_shape(value: Any, *, depth: int = 0) -> None:
    """Raise ParseError for nesting deeper than MAX_DEPTH or a NUL character in any key or string."""
    if depth > MAX_DEPTH:
        raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError("NUL characters (\\u0000) are not allowed in text.")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_shape(key, depth=depth + 1)
            check_shape(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_shape(item, depth=depth + 1)


def read_bounded(stream: Any, limit: int) -> bytes:
    """The body, or PayloadTooLarge when it is longer than `limit` bytes (read no further than that)."""
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit} bytes; at most {limit} are accepted.")
    return body


def refuse_constant(name: str) -> NoReturn:
    """json.loads' parse_constant: NaN and ±Infinity are not numbers a quantity may take."""
    raise ValueError(f"{name} is not a JSON number")


class CappedJSONParser(JSONParser):
    """JSON with a size cap (413), a depth cap, no NaN/Infinity and no NUL characters (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_BODY_BYTES
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if length > limit:  # refused before reading a byte
            raise PayloadTooLarge(f"The body has {length} bytes; at most {limit} are accepted.")
        body = read_bounded(stream, limit)  # a body sent without its length
        try:
            data = json.loads(body, parse_constant=refuse_constant)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:  # includes UnicodeDecodeError and integers of more than 4300 digits
            raise ParseError(f"JSON parse error - {exc}") from None
        check_shape(data)
        return data
