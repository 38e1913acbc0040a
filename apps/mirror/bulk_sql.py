"""The two statements of a page upsert: read what the mirror holds, write what changed.

A sync page is a thousand rows. Through the ORM, building a model object per row and preparing
every value field by field cost more than Odoo took to send them, so both statements are plain
SQL built once per table. On PostgreSQL the read comes back in binary and the page is written
with binary COPY into a session-local staging table, then moved into the mirror by one
statement: COPY formats whole rows in the driver's C code, where binding one array per column
(`unnest`) dumped every value through Python and took as long as Odoo took to send the page.
Elsewhere (SQLite, the embedded default) the read goes through the ORM and the write is a
multi-row VALUES statement.

Both write `INSERT … ON CONFLICT (odoo_id) DO UPDATE`, the statement `bulk_create` would issue,
guarded so that an older Odoo state never overwrites a newer one.
"""

# ruff: noqa: S608  -- SQL identifiers come from the model's metadata, values are bound parameters

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.options import Options

from apps.mirror.specs import MirrorSpec


def read_stored(spec: MirrorSpec, odoo_ids: Sequence[int]) -> list[tuple]:
    """The mirror's rows for these Odoo ids, as (odoo_id, is_deleted, *spec.columns)."""
    if connection.vendor != "postgresql":
        return list(
            spec.model._default_manager.filter(odoo_id__in=odoo_ids).values_list("odoo_id", "is_deleted", *spec.columns)
        )
    with _binary_cursor() as cursor:
        cursor.execute(_statements(spec).select, [list(odoo_ids)])
        return cursor.fetchall()


def write_rows(spec: MirrorSpec, rows: list[tuple], *, all_new: bool = False) -> None:
    """Insert or update rows given as (odoo_id, *spec.columns, synced_at, is_deleted).

    `all_new`: the mirror held none of these ids when read. On PostgreSQL they are then copied
    straight into the mirror table (a page of a first sync); should one have arrived meanwhile
    (a webhook refresh), the page goes the usual way instead.
    """
    statements = _statements(spec)
    if connection.vendor == "postgresql":
        if all_new and _copy_new_rows(statements, rows):
            return
        # One transaction: the staged rows never outlive the statement that moves them.
        with transaction.atomic(savepoint=False), _binary_cursor() as cursor:
            cursor.execute(statements.create_stage)
            with _logged(cursor, statements.copy_to_stage), cursor.cursor.copy(statements.copy_to_stage) as copy:
                copy.set_types(statements.stage_types)
                for row in rows:
                    copy.write_row(row)
            cursor.execute(statements.merge_stage, statements.defaults)
        return
    statements.insert_values(rows)


def _copy_new_rows(statements: _Statements, rows: list[tuple]) -> bool:
    """Binary COPY straight into the mirror table; False (and nothing written) if an id is taken."""
    try:
        with (
            transaction.atomic(),
            _binary_cursor() as cursor,
            _logged(cursor, statements.copy_new),
            cursor.cursor.copy(statements.copy_new) as copy,
        ):
            copy.set_types(statements.new_types)
            for row in rows:
                copy.write_row((*row, *statements.defaults))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class _Statements:
    select: str  # PostgreSQL: the stored rows for an array of ids
    create_stage: str  # PostgreSQL: the session's staging table for this mirror table, if missing
    copy_to_stage: str  # PostgreSQL: binary COPY of the written columns into it
    stage_types: tuple[str, ...]  # PostgreSQL: the written columns' types, for binary COPY
    merge_stage: str  # PostgreSQL: empty the staging table into the mirror (defaults as parameters)
    copy_new: str  # PostgreSQL: binary COPY of new rows, the other columns' defaults included
    new_types: tuple[str, ...]  # PostgreSQL: the types of those columns
    insert: str  # INSERT INTO table (columns)
    conflict: str  # ON CONFLICT … DO UPDATE SET … WHERE the incoming row is not older
    adapters: tuple[Callable[[Any], Any] | None, ...]  # SQLite: per written value; None passes it as is
    defaults: tuple[Any, ...]  # the table's other columns, on insert only (never updated)

    def insert_values(self, rows: list[tuple]) -> None:
        if any(self.adapters):
            rows = [
                tuple(value if adapt is None else adapt(value) for adapt, value in zip(self.adapters, row, strict=True))
                for row in rows
            ]
        row_width = len(self.adapters) + len(self.defaults)
        row_markers = f"({', '.join(['%s'] * row_width)})"
        per_statement = max(1, _max_params() // row_width)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                sql = f"{self.insert} VALUES {', '.join([row_markers] * len(chunk))} {self.conflict}"
                cursor.execute(sql, [value for row in chunk for value in (*row, *self.defaults)])


def _column_field(meta: Options, name: str) -> models.Field:
    field = meta.get_field(name)
    assert isinstance(field, models.Field)  # mirrored columns are concrete fields, never relations' reverse sides
    return field


@cache
def _statements(spec: MirrorSpec) -> _Statements:
    meta = spec.model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(_column_field(meta, name).column) for name in ("odoo_id", "is_deleted", "odoo_write_date")}
    written = [_column_field(meta, name) for name in ("odoo_id", *spec.columns, "synced_at", "is_deleted")]
    written_columns = {field.column for field in written}
    # A raw INSERT gets no Python-side defaults: the table's other columns are given theirs.
    others = [field for field in meta.concrete_fields if not field.primary_key and field.column not in written_columns]
    read = [
        column["odoo_id"],
        column["is_deleted"],
        *(quote(_column_field(meta, name).column) for name in spec.columns),
    ]
    insert = f"INSERT INTO {table} ({', '.join(quote(field.column) for field in written + others)})"
    write_date = column["odoo_write_date"]
    conflict = (
        f"ON CONFLICT ({column['odoo_id']}) DO UPDATE SET "
        + ", ".join(f"{quote(field.column)} = EXCLUDED.{quote(field.column)}" for field in written[1:])
        + f" WHERE {table}.{write_date} IS NULL OR EXCLUDED.{write_date} IS NULL"
        + f" OR EXCLUDED.{write_date} >= {table}.{write_date}"
    )
    defaults_sql = "".join(f", %b::{field.db_type(connection)}" for field in others)
    # Temporary, so private to the session and never written to the WAL; no constraints, so COPY
    # only appends. The merge deletes what it moves: the table is empty between pages.
    stage = quote(f"stage_{meta.db_table}")
    stage_columns = ", ".join(quote(field.column) for field in written)
    stage_definition = ", ".join(f"{quote(field.column)} {field.db_type(connection)}" for field in written)
    return _Statements(
        select=f"SELECT {', '.join(read)} FROM {table} WHERE {column['odoo_id']} = ANY(%b)",
        create_stage=f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ({stage_definition})",
        copy_to_stage=f"COPY {stage} ({stage_columns}) FROM STDIN (FORMAT BINARY)",
        stage_types=tuple(_copy_type(field) for field in written),
        copy_new=(
            f"COPY {table} ({', '.join(quote(field.column) for field in written + others)}) FROM STDIN (FORMAT BINARY)"
        ),
        new_types=tuple(_copy_type(field) for field in written + others),
        merge_stage=(
            f"WITH staged AS (DELETE FROM {stage} RETURNING {stage_columns}) "
            f"{insert} SELECT {stage_columns}{defaults_sql} FROM staged {conflict}"
        ),
        insert=insert,
        conflict=conflict,
        adapters=tuple(_sqlite_adapter(field) for field in written),
        defaults=tuple(field.get_db_prep_save(field.get_default(), connection) for field in others),
    )


def _copy_type(field: models.Field) -> str:
    """The type name binary COPY dumps a column's values as ("varchar(255)" is dumped as varchar)."""
    db_type = field.db_type(connection)
    assert db_type is not None  # written columns are concrete columns
    return db_type.split("(")[0]


def _logged(cursor: CursorWrapper, sql: str) -> AbstractContextManager[None]:
    """COPY runs on the driver's cursor: translate its errors like Django's own statements do,
    and log it with them when queries are logged (debug, tests)."""
    if isinstance(cursor, CursorDebugWrapper):
        return _chained(connection.wrap_database_errors, cursor.debug_sql(sql))
    return connection.wrap_database_errors


@contextmanager
def _chained(*managers: AbstractContextManager[Any]) -> Iterator[None]:
    with ExitStack() as stack:
        for manager in managers:
            stack.enter_context(manager)
        yield


@contextmanager
def _binary_cursor():
    """A psycopg cursor on Django's connection (same transaction) that binds parameters on the
    server and exchanges values in binary; wrapped like Django's own cursors, so query logging,
    execute wrappers and error translation still apply."""
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        yield cursor


def _max_params() -> int:
    """Parameters allowed in one statement (Django's SQLite figure, 999, predates SQLite 3.32)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 999


def _sqlite_adapter(field) -> Callable[[Any], Any] | None:
    """SQLite keeps datetimes and dates as text in Django's own format. Aware datetimes take a short
    path (UTC, then Django's text form: what `adapt_datetimefield_value` produces, at a fraction of
    its cost per value: it was most of a page's upsert time); anything else goes through the field."""
    kind = field.get_internal_type()
    if kind not in {"DateTimeField", "DateField"}:
        return None

    def through_field(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if kind != "DateTimeField" or not settings.USE_TZ or connection.timezone != UTC:
        return through_field

    def utc_text(value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return through_field(value)

    return utc_text
