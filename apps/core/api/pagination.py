"""The two list styles of the API (new endpoints pick one, nothing else):

- `PagePagination` for lists people page through (the case queue, approval history, policies):
  `?page=N&page_size=M` → {"count", "next", "previous", "results"}.
- `FeedPagination` for feeds ordered by time (the outbox, timelines, audit): an opaque `?cursor=`
  that stays stable while new rows arrive → {"next", "previous", "results"}.

`page_size` is capped at MAX_PAGE_SIZE; an unparseable one is a 400 problem, a page or cursor that
does not exist a 404 problem (never a 500).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def _page_size(request: Request, query_param: str, default: int) -> int:
    raw = request.query_params.get(query_param)
    if not raw:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise ValidationError({query_param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}) from None
    if size < 1:
        raise ValidationError({query_param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return min(size, MAX_PAGE_SIZE)


class PagePagination(PageNumberPagination):
    """Numbered pages, for lists a person pages through."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "A page number (from 1); a page past the end is a 404 problem."
    page_size_query_description = f"Results per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, self.page_size)


class FeedPagination(CursorPagination):
    """A cursor over a feed ordered by time, newest first; subclass to name the ordering."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering: Any = ("-created_at", "-id")
    page_size_query_description = f"Results per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, self.page_size)
