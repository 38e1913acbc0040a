"""Paging against a fake that behaves like real Odoo: microseconds stored, seconds returned."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from apps.odoo.datetimes import format_datetime, parse_datetime
from apps.odoo.paging import iter_by_id, iter_changed

T0 = datetime(2026, 11, 27, 16, 27, 0, tzinfo=UTC)


class MicrosecondOdoo:
    """``search_read`` over rows whose ``write_date`` has microseconds, like PostgreSQL in Odoo.

    Domains compare against the stored value; results show ``write_date`` truncated to seconds
    (contract: concurrency/01_incremental_write_date.json).
    """

    def __init__(self, stored: dict[int, datetime]) -> None:
        self.stored = stored
        self.calls = 0
        self.rows_read = 0  # rows served with their data (not the id/write_date listing)

    def read(self, model, ids, fields, *, context=None):
        self.calls += 1
        rows = [
            {"id": i, "write_date": format_datetime(self.stored[i]), "name": f"P{i}"} for i in ids if i in self.stored
        ]
        self.rows_read += len(rows)
        return rows

    def search_read(self, model, domain, fields, *, order=None, limit=None, context=None):
        self.calls += 1
        assert self.calls < 10_000, "the pager does not terminate"
        domain = [
            (f, op, v if f == "id" else parse_datetime(v)) if isinstance(leaf, tuple) else leaf
            for leaf in domain
            for f, op, v in [leaf if isinstance(leaf, tuple) else (None, None, None)]
        ]
        ids = [i for i in self.stored if self._match(list(domain), i)]
        if order == "write_date asc, id asc":
            ids.sort(key=lambda i: (self.stored[i], i))
        else:
            assert order == "id asc"
            ids.sort()
        rows = [{"id": i, "write_date": format_datetime(self.stored[i]), "name": f"P{i}"} for i in ids[: limit or None]]
        if set(fields) - {"id", "write_date"}:
            self.rows_read += len(rows)
        return rows

    def _match(self, domain, record_id):
        def leaf_value(leaf):
            field, op, value = leaf
            left = record_id if field == "id" else self.stored[record_id]
            right = value
            return {">": left > right, ">=": left >= right, "<": left < right, "=": left == right}[op]

        def evaluate(tokens):
            token = tokens.pop(0)
            if token == "|":
                a, b = evaluate(tokens), evaluate(tokens)
                return a or b
            if token == "&":
                a, b = evaluate(tokens), evaluate(tokens)
                return a and b
            return leaf_value(token)

        results = []
        while domain:
            results.append(evaluate(domain))
        return all(results)


def _rows(odoo, since=None, page_size=100, listing_limit=50_000):
    pages = list(
        iter_changed(
            odoo.search_read,
            odoo.read,
            "stock.picking",
            ["name"],
            since,
            page_size=page_size,
            listing_limit=listing_limit,
        )
    )
    assert all(page.rows for page in pages)
    return [row["id"] for page in pages for row in page.rows], pages


def test_many_rows_in_one_second_are_read_once_each():
    rng = random.Random(7)
    # 2,500 rows written in the same second (a bulk create), microseconds unrelated to ids
    stored = {i: T0 + timedelta(microseconds=rng.randrange(1_000_000)) for i in rng.sample(range(1, 10_000), 2500)}
    odoo = MicrosecondOdoo(stored)
    ids, _pages = _rows(odoo, page_size=100)
    assert sorted(ids) == sorted(stored)
    assert len(ids) == len(set(ids))
    assert odoo.rows_read == len(stored)  # each row read from Odoo once, not page ends twice
    assert odoo.calls == 1 + 25  # one listing, then 25 pages by id


def test_a_listing_longer_than_its_limit_continues_without_reading_a_row_twice():
    rng = random.Random(5)
    stored = {i: T0 + timedelta(seconds=i // 700, microseconds=rng.randrange(1_000_000)) for i in range(1, 3001)}
    odoo = MicrosecondOdoo(stored)
    ids, _pages = _rows(odoo, page_size=250, listing_limit=1000)
    assert sorted(ids) == sorted(stored) and odoo.rows_read == len(stored)


def test_more_rows_in_one_second_than_a_listing_holds_are_all_read_once():
    """A bulk write of more rows than `listing_limit` stamps them all with one second: continuing the
    listing from that second must not list the same first rows forever."""
    rng = random.Random(9)
    stored = {i: T0 + timedelta(microseconds=rng.randrange(1_000_000)) for i in rng.sample(range(1, 10_000), 2500)}
    stored.update({i: T0 + timedelta(seconds=1, microseconds=i) for i in range(10_000, 10_100)})  # and a later second
    odoo = MicrosecondOdoo(stored)
    ids, pages = _rows(odoo, page_size=250, listing_limit=1000)
    assert sorted(ids) == sorted(stored) and odoo.rows_read == len(stored)
    resume = [page.resume_from for page in pages]
    assert resume == sorted(resume)


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_rows_across_many_seconds():
    rng = random.Random(3)
    stored = {}
    next_id = 1
    for second in range(60):
        for _ in range(rng.choice([0, 1, 5, 99, 100, 101, 250])):
            stored[next_id] = T0 + timedelta(seconds=second, microseconds=rng.randrange(1_000_000))
            next_id += 1
    odoo = MicrosecondOdoo(stored)
    ids, pages = _rows(odoo, page_size=100)
    assert sorted(ids) == sorted(stored)
    assert len(ids) == len(set(ids))
    # resume points never go backwards, and never past a row not yet yielded
    resume = [page.resume_from for page in pages]
    assert resume == sorted(resume)
    # the newest change seen (listed or read), at Odoo's second precision, and never older than a page's rows
    assert pages[-1].max_write_date == max(stored.values()).replace(microsecond=0)
    for page in pages:
        assert page.max_write_date >= max(stored[row["id"]] for row in page.rows).replace(microsecond=0)


def test_since_is_inclusive_of_its_second():
    stored = {1: T0 - timedelta(seconds=5), 2: T0 + timedelta(microseconds=10), 3: T0 + timedelta(seconds=3)}
    ids, _ = _rows(MicrosecondOdoo(stored), since=T0 + timedelta(microseconds=500))
    assert sorted(ids) == [2, 3]


def test_empty_result_yields_no_page():
    assert _rows(MicrosecondOdoo({}))[0] == []


def test_resume_from_a_page_loses_nothing():
    rng = random.Random(11)
    stored = {i: T0 + timedelta(seconds=i // 150, microseconds=rng.randrange(1_000_000)) for i in range(1, 1001)}
    odoo = MicrosecondOdoo(stored)
    pages = list(iter_changed(odoo.search_read, odoo.read, "stock.picking", ["name"], None, page_size=100))
    seen = set()
    for stop_after, page in enumerate(pages):
        seen.update(row["id"] for row in page.rows)
        restarted = {
            row["id"] for p in iter_changed(odoo.search_read, odoo.read, "m", [], page.resume_from) for row in p.rows
        }
        assert seen | restarted == set(stored), f"restart after page {stop_after} misses rows"
        if stop_after > 3:
            break


def test_textbook_keyset_loops_against_real_odoo():
    """Why paging.py does not use ('write_date','=',d) / ('write_date','>',d) on truncated values."""
    stored = {i: T0 + timedelta(microseconds=1000 + i) for i in range(1, 301)}
    odoo = MicrosecondOdoo(stored)
    seen_pages = 0
    cursor = None
    with pytest.raises(AssertionError, match="repeats"):
        while True:
            domain = []
            if cursor:
                d, last_id = cursor
                domain = ["|", ("write_date", ">", d), "&", ("write_date", "=", d), ("id", ">", last_id)]
            page = odoo.search_read("m", domain, ["name"], order="write_date asc, id asc", limit=100)
            seen_pages += 1
            assert seen_pages < 10, "the textbook pager repeats the same page forever"
            if len(page) < 100:
                break
            cursor = (page[-1]["write_date"], page[-1]["id"])


def test_iter_by_id_pages_everything():
    stored = {i: T0 for i in range(1, 251)}
    odoo = MicrosecondOdoo(stored)
    pages = list(iter_by_id(odoo.search_read, "m", [], ["name"], page_size=100))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [row["id"] for p in pages for row in p] == list(range(1, 251))


class SlowOdoo(MicrosecondOdoo):
    """Answers reads slowly, the first ones slowest, and counts how many it serves at once."""

    def __init__(self, stored: dict[int, datetime]) -> None:
        super().__init__(stored)
        self.lock = threading.Lock()
        self.serving = 0
        self.most_at_once = 0
        self.fail_on_read: int | None = None
        self.reads = 0

    def read(self, model, ids, fields, *, context=None):
        with self.lock:
            self.reads += 1
            number = self.reads
            self.serving += 1
            self.most_at_once = max(self.most_at_once, self.serving)
        try:
            time.sleep(0.05 if number == 1 else 0.01)
            if number == self.fail_on_read:
                raise ConnectionError("Odoo went away")
            return super().read(model, ids, fields, context=context)
        finally:
            with self.lock:
                self.serving -= 1


def test_reads_in_flight_keep_odoo_busy_and_pages_in_listing_order():
    stored = {i: T0 + timedelta(seconds=i // 40, microseconds=i) for i in range(1, 501)}
    odoo = SlowOdoo(stored)
    pages = list(
        iter_changed(odoo.search_read, odoo.read, "stock.move", ["name"], None, page_size=100, reads_in_flight=2)
    )
    assert odoo.most_at_once == 2
    assert [row["id"] for page in pages for row in page.rows] == list(range(1, 501))
    assert odoo.rows_read == 500  # each row read once
    resumes = [page.resume_from for page in pages]
    assert resumes == sorted(resumes)


def test_a_failed_read_ends_the_pages_after_the_ones_before_it():
    stored = {i: T0 + timedelta(seconds=i // 40) for i in range(1, 501)}
    odoo = SlowOdoo(stored)
    odoo.fail_on_read = 3
    pages = iter_changed(odoo.search_read, odoo.read, "stock.move", ["name"], None, page_size=100, reads_in_flight=2)
    received = []
    with pytest.raises(ConnectionError, match="went away"):
        for page in pages:
            received.extend(row["id"] for row in page.rows)
    assert received == list(range(1, 201))
