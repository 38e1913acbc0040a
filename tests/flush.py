"""Emptying the test database after a transactional test, quickly.

Django's flush on PostgreSQL is one ``TRUNCATE`` of every table (85 of them), about 0.3 s on a quiet
machine because PostgreSQL gives each truncated table new files; then, on both engines, post_migrate
handlers write every content type and permission again (about 0.1 s more). A third of the suite's
PostgreSQL time went there. After a test the tables hold a few rows, if any:

- on PostgreSQL, ``DELETE FROM`` each of them, sent as one statement, takes a few milliseconds.
  Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not matter: they are
  checked at commit, when every table is empty. A table a test filled with thousands of rows (a
  mirror after a full sync) is still truncated (with CASCADE): deleting those one by one costs more.
  The audit log's append-only trigger lets a delete through only in a transaction that set
  ``controltower.audit_archive`` (see apps/audit/archive.py); the flush sets it for its own;
- content types and permissions are kept as they are, ids included, so post_migrate has nothing to
  write and is not sent (SQLite's flush, DELETEs already, gains this part).

A test asking for ``reset_sequences`` (or ``available_apps``) gets Django's own flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.core.management.commands import flush

BIG = 1000  # rows from which TRUNCATE beats DELETE
KEPT = {"django_content_type", "auth_permission"}  # what post_migrate writes, kept as it was


@contextmanager
def flush_by_delete() -> Iterator[None]:
    # the flush command's own reference to it (django-stubs leave out the names a module imports)
    emit_post_migrate = getattr(flush, "emit_post_migrate_signal")  # noqa: B009
    kept = {"last_flush": False}  # whether the last flush kept content types and permissions

    def post_migrate_unless_kept(verbosity, interactive, db, **kwargs):
        if not kept["last_flush"]:
            emit_post_migrate(verbosity, interactive, db, **kwargs)

    def patched(operations, fast):
        django_flush = operations.sql_flush

        def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
            kept["last_flush"] = not (reset_sequences or allow_cascade)
            if not kept["last_flush"]:
                return django_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
            tables = [table for table in tables if table not in KEPT]
            return fast(self, style, tables, django_flush) if tables else []

        operations.sql_flush = sql_flush
        return django_flush

    # through the backends' base modules: the operations modules import them first themselves
    from django.db.backends.postgresql.base import DatabaseWrapper as Postgres
    from django.db.backends.sqlite3.base import DatabaseWrapper as Sqlite

    with ExitStack() as undo:
        for operations, fast in ((Postgres.ops_class, _postgres_delete), (Sqlite.ops_class, _django_flush)):
            undo.callback(setattr, operations, "sql_flush", patched(operations, fast))
        setattr(flush, "emit_post_migrate_signal", post_migrate_unless_kept)  # noqa: B010
        undo.callback(setattr, flush, "emit_post_migrate_signal", emit_post_migrate)
        yield


def _django_flush(operations, style, tables, django_flush) -> list[str]:
    return django_flush(operations, style, tables)


def _postgres_delete(operations, style, tables, django_flush) -> list[str]:
    big = set(_tables_with_at_least(operations.connection, tables, BIG))
    # Locked first, as TRUNCATE locks them: a live server or worker of the test still finishing a
    # transaction is waited for, instead of deadlocking on rows with the DELETEs (seen in CI).
    quoted = ", ".join(operations.quote_name(table) for table in tables)
    statements = ["SET LOCAL controltower.audit_archive = 'on'", f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE"]
    if big:
        statements.append("TRUNCATE " + ", ".join(operations.quote_name(table) for table in sorted(big)) + " CASCADE")
    # table names come from Django's introspection, quoted
    statements += [f"DELETE FROM {operations.quote_name(table)}" for table in tables if table not in big]  # noqa: S608
    return ["; ".join(statements)]


def _tables_with_at_least(connection, tables: list[str], rows: int) -> list[str]:
    """One round trip: each table's row count, read no further than `rows`."""
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM {quote(table)} LIMIT {int(rows)}) AS head)"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return [table for table, count in cursor.fetchall() if count >= rows]
