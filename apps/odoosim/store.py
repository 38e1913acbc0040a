# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""SQLite storage: one table per model, WAL so readers see the last commit (like PostgreSQL MVCC).

Writes are serialized by one lock (one transaction at a time, like Odoo's serialization
retries without the retries). Reads use their own connections and never block on a write in
progress, so a webhook receiver that reads back during a transaction sees the *old* state,
exactly as recorded in tests/contract/odoo17/webhooks/03_received_requests.json.
"""

from __future__ import annotations

import json
import queue
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, overload

from .clock import SimClock, fmt_micro
from .registry import ModelSpec, registry

_SQL_TYPE = {
    "integer": "INTEGER",
    "many2one": "INTEGER",
    "many2one_reference": "INTEGER",
    "boolean": "INTEGER",
    "float": "REAL",
    "monetary": "REAL",
}
#: models whose many2one columns are all indexed (the big ones)
_INDEXED_MODELS = {
    "stock.picking",
    "stock.move",
    "stock.move.line",
    "stock.quant",
    "sale.order",
    "sale.order.line",
    "purchase.order",
    "mail.activity",
    "mail.message",
    "stock.warehouse.orderpoint",
}

DirtyHook = Callable[[str, str, int], None]


# model -> [(dependent model, many2one on model pointing at it)] whose stored computes read `state`
STORED_STATE_DEPENDENTS: dict[str, list[tuple[str, str]]] = {
    "stock.picking": [("sale.order", "sale_id"), ("purchase.order", "purchase_id")],
}


class Store:
    """Row storage with transactions; knows nothing about Odoo semantics beyond audit columns."""

    def __init__(self, clock: SimClock, path: str | Path | None = None, uid: int = 2) -> None:
        self.clock = clock
        self.uid = uid
        self._tmpdir: str | None = None
        if path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="odoosim-")
            path = Path(self._tmpdir) / "odoo.sqlite3"
        self.path = str(path)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self.writer = self._connect()
        self.fresh = not self._table_exists("stock_picking")
        self._create_schema()
        #: called inside the transaction, before commit, once per touched record
        self.before_commit_hooks: list[Callable[[list[tuple[str, str, int]]], None]] = []
        self.after_commit_hooks: list[Callable[[list[tuple[str, str, int]]], None]] = []

    # -- connections ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA cache_size=-65536")
        # Odoo's `like` is case-sensitive (`ilike` lowercases both sides explicitly)
        conn.execute("PRAGMA case_sensitive_like=ON")
        return conn

    def _table_exists(self, table: str) -> bool:
        row = self.writer.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        return row is not None

    def _create_schema(self) -> None:
        cur = self.writer
        cur.execute("BEGIN")
        for spec in registry().values():
            cols = ["id INTEGER PRIMARY KEY AUTOINCREMENT"]
            for fname in spec.columns:
                if fname == "id":
                    continue
                cols.append(f'"{fname}" {_SQL_TYPE.get(spec.ftype(fname), "TEXT")}')
            cols += [f'"{fname}" TEXT' for fname in spec.m2m_columns]
            cur.execute(f'CREATE TABLE IF NOT EXISTS "{spec.table}" ({", ".join(cols)})')
            cur.execute(f'CREATE INDEX IF NOT EXISTS "{spec.table}__wd" ON "{spec.table}" (write_date, id)')
            indexed = [f for f in spec.columns if spec.ftype(f) == "many2one"] if spec.name in _INDEXED_MODELS else []
            indexed += [
                f
                for f in ("state", "res_id", "model", "name", "location_id", "picking_type_code", "scheduled_date")
                if f in spec.columns
            ]
            for fname in dict.fromkeys(indexed):
                cur.execute(f'CREATE INDEX IF NOT EXISTS "{spec.table}__{fname}" ON "{spec.table}" ("{fname}")')
        cur.execute("CREATE TABLE IF NOT EXISTS sim_meta (key TEXT PRIMARY KEY, value TEXT)")
        cur.execute("COMMIT")

    def close(self) -> None:
        """Close every connection and delete the temporary database (if any)."""
        while not self._readers.empty():
            self._readers.get_nowait().close()
        self.writer.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    # -- transactions --------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        """The connection of the current transaction or read snapshot of this thread."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("no transaction or read snapshot open in this thread")
        return conn

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "writing", False)

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A consistent read-only view of the last commit (nested calls reuse the outer one)."""
        if getattr(self._local, "conn", None) is not None:
            yield self._local.conn
            return
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            conn = self._connect()
        self._local.conn = conn
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")
            self._local.conn = None
            self._readers.put(conn)

    def backup(self) -> sqlite3.Connection:
        """A copy of the whole database as it is now (what a nightly Odoo backup is)."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        with self._write_lock:
            self.writer.backup(copy)
        return copy

    def restore(self, copy: sqlite3.Connection) -> None:
        """Put a backup back over the database (an Odoo restored from a backup): records made since
        are gone, records changed since have their old values and write_dates again."""
        with self._write_lock:
            copy.backup(self.writer)

    @contextmanager
    def transaction(self, at: datetime | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction; `at` overrides its timestamp (scenario events, slow commits).

        Nested calls join the outer transaction. Before-commit hooks (webhooks) see the final
        values of every touched record while other connections still see the old ones.
        """
        if self.in_transaction:
            yield self.writer
            return
        with self._write_lock:
            self._local.conn = self.writer
            self._local.writing = True
            self._local.now = at or self.clock.now()
            self._local.dirty = {}
            self.writer.execute("BEGIN IMMEDIATE")
            try:
                yield self.writer
                dirty = list(self._local.dirty.values())
                for hook in self.before_commit_hooks:
                    hook(dirty)
                self.writer.execute("COMMIT")
            except BaseException:
                self.writer.execute("ROLLBACK")
                raise
            finally:
                self._local.conn = None
                self._local.writing = False
            for hook in self.after_commit_hooks:
                hook(dirty)

    @property
    def now(self) -> datetime:
        """Timestamp of the current transaction (Odoo: now() at transaction start)."""
        return getattr(self._local, "now", None) or self.clock.now()

    def _touch(self, model: str, op: str, rid: int) -> None:
        dirty = self._local.dirty
        key = (model, rid)
        if key not in dirty:
            dirty[key] = (model, op, rid)

    # -- row operations ------------------------------------------------------------------
    def insert(self, model: str, values: dict[str, Any]) -> int:
        """Insert one row (values already converted to storage form); returns the new id."""
        spec = registry()[model]
        stamp = fmt_micro(self.now)
        row = dict(values)
        row.setdefault("create_date", stamp)
        row.setdefault("write_date", stamp)
        row.setdefault("create_uid", self.uid)
        row.setdefault("write_uid", self.uid)
        for fname in spec.m2m_columns:
            if fname in row and not isinstance(row[fname], str):
                row[fname] = json.dumps(list(row[fname] or []))
        cols = list(row)
        sql = f'INSERT INTO "{spec.table}" ({_cols(cols)}) VALUES ({", ".join("?" * len(cols))})'
        cur = self.conn.execute(sql, [row[c] for c in cols])
        assert cur.lastrowid is not None  # an INSERT always sets it
        rid = int(cur.lastrowid)
        self._touch(model, "create", rid)
        return rid

    def insert_many(self, model: str, rows: list[dict[str, Any]]) -> None:
        """Bulk insert without hooks (initial data generation); rows must share their keys."""
        if not rows:
            return
        spec = registry()[model]
        cols = list(rows[0])
        sql = f'INSERT INTO "{spec.table}" ({_cols(cols)}) VALUES ({", ".join("?" * len(cols))})'
        self.conn.executemany(sql, [[r[c] for c in cols] for r in rows])

    def update(self, model: str, ids: Iterable[int], values: dict[str, Any], *, touch: bool = True) -> None:
        """Update rows; bumps write_date/write_uid (Odoo does so on every write)."""
        ids = list(ids)
        if not ids:
            return
        spec = registry()[model]
        row = dict(values)
        if touch:
            row["write_date"] = fmt_micro(self.now)
            row["write_uid"] = self.uid
        for fname in spec.m2m_columns:
            if fname in row and not isinstance(row[fname], str):
                row[fname] = json.dumps(list(row[fname] or []))
        sets = ", ".join(f'"{c}" = ?' for c in row)
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f'UPDATE "{spec.table}" SET {sets} WHERE id IN ({marks})', [*row.values(), *chunk])
        for rid in ids:
            self._touch(model, "write", rid)
        if touch and "state" in values:
            self._touch_stored_dependents(model, ids)

    def _touch_stored_dependents(self, model: str, ids: list[int]) -> None:
        """Odoo recomputes stored fields that depend on a transfer's state (sale.order.delivery_status,
        purchase.order.receipt_status) and the recompute bumps the order's write_date too."""
        for dependent, fk in STORED_STATE_DEPENDENTS.get(model, ()):
            table = registry()[model].table
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f'SELECT DISTINCT "{fk}" FROM "{table}" WHERE id IN ({marks}) AND "{fk}" IS NOT NULL', chunk
                ).fetchall()
                order_ids = [row[0] for row in rows]
                if order_ids:
                    self.update(dependent, order_ids, {})

    def delete(self, model: str, ids: Iterable[int]) -> None:
        """Delete rows by id."""
        spec = registry()[model]
        for chunk in _chunks(list(ids), 500):
            self.conn.execute(f'DELETE FROM "{spec.table}" WHERE id IN ({",".join("?" * len(chunk))})', chunk)

    def fetch(self, model: str, ids: Iterable[int], columns: Iterable[str] | None = None) -> dict[int, dict]:
        """Rows by id (missing ids are simply absent)."""
        spec = registry()[model]
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        cols = "*" if columns is None else ", ".join(f'"{c}"' for c in dict.fromkeys(["id", *columns]))
        out: dict[int, dict] = {}
        for chunk in _chunks(ids, 900):
            sql = f'SELECT {cols} FROM "{spec.table}" WHERE id IN ({",".join("?" * len(chunk))})'
            for row in self.conn.execute(sql, chunk):
                out[row["id"]] = dict(row)
        return out

    def get(self, model: str, rid: int) -> dict | None:
        """One row by id, or None."""
        return self.fetch(model, [rid]).get(int(rid))

    def row(self, model: str, rid: int) -> dict:
        """One row by id that must exist (the caller just created or locked it)."""
        found = self.get(model, rid)
        if found is None:
            raise KeyError(f"{model} has no record {rid}")
        return found

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Raw SELECT on the current connection."""
        return self.conn.execute(sql, list(params)).fetchall()

    def table(self, model: str) -> str:
        return registry()[model].table

    def spec(self, model: str) -> ModelSpec:
        return registry()[model]

    @overload
    def meta_get(self, key: str, default: str) -> str: ...
    @overload
    def meta_get(self, key: str, default: None = None) -> str | None: ...
    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM sim_meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sim_meta (key, value) VALUES (?, ?)", (key, value))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _cols(cols: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)
