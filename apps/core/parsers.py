"""Request bodies the API accepts: JSON of bounded size and depth, without NUL characters.

DRF's JSONParser reads any size, lets a deeply nested body raise RecursionError (a 500), and
passes NUL characters that PostgreSQL refuses later (another 500). These limits turn each into a
4xx with a message, through DRF's own exceptions so the API's error handler shapes them.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # our payloads nest three or four levels; a policy's conditions a few more


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


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


def read_bounded(stream, limit: int) -> bytes:
    """The body, or PayloadTooLarge when it is longer than `limit` bytes."""
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    return body


class BoundedJSONParser(JSONParser):
    """JSON with a size cap (413), a depth cap and no NUL characters (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_bounded(stream, settings.API_MAX_BODY_BYTES)
        try:
            data = json.loads(body, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:  # includes UnicodeDecodeError and integers of more than 4300 digits
            raise ParseError(f"JSON parse error - {exc}") from None
        check_shape(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
