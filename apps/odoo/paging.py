"""Paged reads that stay correct against a real Odoo.

Why not plain keyset paging on ``(write_date, id)``
---------------------------------------------------
The textbook next-page domain is ``['|', ('write_date', '>', d), '&', ('write_date', '=', d),
('id', '>', i)]``. Against real Odoo it is wrong: the API returns ``write_date`` truncated to the
second, while PostgreSQL stores microseconds (``16:27:03`` is really ``16:27:03.428266``).
So ``write_date = '16:27:03'`` matches nothing, and ``write_date > '16:27:03'`` matches the whole
second again: with more same-second rows than a page (a bulk create writes thousands of rows with
one ``write_date``, the transaction's start time) the pager returns the same first page forever.
Ordering inside a second is by the hidden microseconds, so an ``id`` tiebreak does not line up
with the order either.

What we do instead: bounded one-second windows
----------------------------------------------
1. Read a page with ``write_date >= lo`` ordered ``write_date asc, id asc``. Truncation keeps
   the order of seconds, so every second that ends before the page's last second is complete in
   the page: yield those rows.
2. The last second may continue past the page. Drain it as a window
   ``lo_s <= write_date < lo_s + 1s`` ordered by ``id`` with keyset ``id > last_id`` (the id order
   is total inside the window), skipping ids already yielded from step 1.
3. Continue with ``lo = that second + 1s``. ``lo`` grows every round, so the loop always ends.

Only ``>=`` and ``<`` on whole seconds are used, which mean the same whether the server stores
microseconds (real Odoo) or seconds (the simulator). Rows may repeat across pages of a sync and
across syncs (the overlap window); callers upsert by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .datetimes import format_datetime, parse_datetime, truncate_to_second

SearchRead = Callable[..., list[dict[str, Any]]]


@dataclass(frozen=True)
class ChangedPage:
    """One page of changed rows.

    ``resume_from``: a sync that stops after this page loses nothing by restarting with
    ``write_date >= resume_from``. ``max_write_date``: the newest change seen so far (for lag).
    """

    rows: list[dict[str, Any]]
    resume_from: datetime
    max_write_date: datetime | None


def _with_keys(fields: list[str], *keys: str) -> list[str]:
    return list(fields) + [key for key in keys if key not in fields]


def iter_changed(
    search_read: SearchRead,
    model: str,
    fields: list[str],
    since: datetime | None,
    *,
    domain: list[Any] | None = None,
    page_size: int = 1000,
    context: dict[str, Any] | None = None,
) -> Iterator[ChangedPage]:
    """Yield pages of rows of ``model`` changed at or after ``since`` (None: everything).

    ``search_read`` is :meth:`OdooClient.search_read`. Pages are never empty.
    """
    base = list(domain or [])
    fields = _with_keys(fields, "id", "write_date")
    lo = truncate_to_second(since) if since else None
    newest: datetime | None = None
    while True:
        lower = [("write_date", ">=", format_datetime(lo))] if lo else []
        page = search_read(
            model, base + lower, fields, order="write_date asc, id asc", limit=page_size, context=context
        )
        if not page:
            return
        newest = _newest(page, newest)
        if len(page) < page_size:
            yield ChangedPage(page, resume_from=lo or _second_of(page[0]), max_write_date=newest)
            return
        last_second = _second_of(page[-1])
        complete = [row for row in page if _second_of(row) < last_second]
        if complete:
            yield ChangedPage(complete, resume_from=last_second, max_write_date=newest)
        yield from _drain_second(
            search_read,
            model,
            fields,
            base,
            last_second,
            seen={row["id"] for row in page if _second_of(row) == last_second},
            first=[row for row in page if _second_of(row) == last_second],
            page_size=page_size,
            context=context,
            newest=newest,
        )
        lo = last_second + timedelta(seconds=1)


def _drain_second(
    search_read: SearchRead,
    model: str,
    fields: list[str],
    base: list[Any],
    second: datetime,
    *,
    seen: set[int],
    first: list[dict[str, Any]],
    page_size: int,
    context: dict[str, Any] | None,
    newest: datetime | None,
) -> Iterator[ChangedPage]:
    """All rows whose ``write_date`` falls in ``second``, by id; ``first`` are already read."""
    window = [
        ("write_date", ">=", format_datetime(second)),
        ("write_date", "<", format_datetime(second + timedelta(seconds=1))),
    ]
    if first:
        yield ChangedPage(first, resume_from=second, max_write_date=newest)
    last_id = 0
    while True:
        chunk = search_read(
            model, [*base, *window, ("id", ">", last_id)], fields, order="id asc", limit=page_size, context=context
        )
        fresh = [row for row in chunk if row["id"] not in seen]
        seen.update(row["id"] for row in fresh)
        if fresh:
            yield ChangedPage(fresh, resume_from=second, max_write_date=newest)
        if len(chunk) < page_size:
            return
        last_id = chunk[-1]["id"]


def iter_by_id(
    search_read: SearchRead,
    model: str,
    domain: list[Any],
    fields: list[str],
    *,
    page_size: int = 1000,
    context: dict[str, Any] | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Yield pages of all rows matching ``domain``, keyset-paged on ``id`` (``id > last``).

    Keyset rather than ``offset``: rows created or deleted meanwhile never shift a page, and a
    deep page costs what the first one does.
    """
    fields = _with_keys(fields, "id")
    last_id = 0
    while True:
        page = search_read(
            model, [*domain, ("id", ">", last_id)], fields, order="id asc", limit=page_size, context=context
        )
        if page:
            yield page
        if len(page) < page_size:
            return
        last_id = page[-1]["id"]


def _second_of(row: dict[str, Any]) -> datetime:
    value = parse_datetime(row.get("write_date"))
    if value is None:
        raise ValueError(f"row {row.get('id')} has no write_date; paging by write_date needs it")
    return truncate_to_second(value)


def _newest(page: list[dict[str, Any]], newest: datetime | None) -> datetime | None:
    last = parse_datetime(page[-1].get("write_date"))
    if last and (newest is None or last > newest):
        return last
    return newest
