"""Body parsers with a size cap: DRF's JSON parser reads the stream itself and so skips Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check; this one applies it and answers 413 instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.parsers import JSONParser

from apps.core.api.exceptions import PayloadTooLarge


class CappedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if limit is not None and length > limit:
            raise PayloadTooLarge(f"The body has {length} bytes; at most {limit} are accepted.")
        return super().parse(stream, media_type, parser_context)
