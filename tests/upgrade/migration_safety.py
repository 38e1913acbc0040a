"""Find migration operations that are unsafe while the previous release still runs, or that lock or
rewrite a big table for long.

A release is rolled out as: ``migrate`` (old web and worker processes keep serving), then the
processes are replaced one by one. So a migration must leave the schema usable by the previous
release's code (expand), and columns or tables the code stops using are dropped one release later
(contract). And nothing may hold an ACCESS EXCLUSIVE lock on a big table for longer than a moment.

Two levels: the operations themselves (what Django will do, on any database), and on PostgreSQL the
SQL ``sqlmigrate`` would print (so a RunSQL, or an AlterField Django turns into ``ALTER COLUMN ...
TYPE``, is judged by what actually runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED

# Tables that grow with the warehouse's activity: an index built without CONCURRENTLY, a constraint
# validated in place or a rewrite on them blocks writes for minutes on a site with years of history.
BIG_TABLE_PREFIXES = ("mirror_",)  # every mirrored Odoo model and the inbound webhook events
BIG_TABLES = frozenset(
    {
        "audit_auditentry",
        "writeback_outboxentry",
        "writeback_outboxattempt",
        "writeback_outboxeffect",
        "outbound_outbounddelivery",
    }
)
SMALL_MIRROR_TABLES = frozenset({"mirror_syncstate", "mirror_syncrun"})  # one row per model / run

CONTRACT_OPERATIONS = (
    migrations.RemoveField,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.DeleteModel,
    migrations.AlterModelTable,
)
# Changes of a column's type PostgreSQL makes without rewriting the table.
SAFE_TYPE_CHANGES = {("django.db.models.CharField", "django.db.models.TextField")}


def is_big(table: str) -> bool:
    return table in BIG_TABLES or (table.startswith(BIG_TABLE_PREFIXES) and table not in SMALL_MIRROR_TABLES)


@dataclass(frozen=True)
class Finding:
    migration: str  # "app.0003_name"
    rule: str  # one of RULES
    detail: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.rule}: {self.detail}"


RULES = {
    "not-null-column": "a NOT NULL column without db_default on an existing table: the previous release's "
    "INSERTs do not name it and fail",
    "contract": "removes or renames what the previous release's code still reads; drop it one release after "
    "the code stopped using it",
    "type-change": "changes a column's type: PostgreSQL rewrites the table under an exclusive lock, and the "
    "previous release may write values of the old type",
    "set-not-null": "SET NOT NULL scans the table under an exclusive lock and breaks the previous release if it "
    "writes NULL; add a CHECK ... NOT VALID, validate, then set it in a later release",
    "index-on-big-table": "builds an index or constraint on a big table in place (blocks writes); use "
    "AddIndexConcurrently / NOT VALID + VALIDATE in a non-atomic migration",
    "rewrite-sql": "SQL that rewrites or locks a table (ALTER COLUMN TYPE, SET NOT NULL, VACUUM FULL, CLUSTER, "
    "LOCK TABLE, ADD CONSTRAINT without NOT VALID, CREATE INDEX without CONCURRENTLY on a big table)",
}


def _table(state: ProjectState, app_label: str, model_name: str) -> str:
    model = state.models[(app_label, model_name.lower())]
    return model.options.get("db_table") or f"{app_label}_{model.name_lower}"


def _path(field) -> str:
    return field.deconstruct()[1]


def _operation_findings(
    name: str, app_label: str, operation, state: ProjectState, created: set[str]
) -> Iterator[Finding]:
    """What is wrong with one operation, judged against the state just before it."""
    if isinstance(operation, migrations.CreateModel):
        return
    if isinstance(operation, CONTRACT_OPERATIONS):
        target = getattr(operation, "name", None) or getattr(operation, "old_name", "")
        model = getattr(operation, "model_name", None) or getattr(operation, "old_name", None) or target
        yield Finding(name, "contract", f"{type(operation).__name__} {model}.{target}".rstrip("."))
        return
    model_name = getattr(operation, "model_name", None)
    if model_name is None:
        if isinstance(operation, migrations.RunSQL):
            yield from _sql_findings(name, [str(s) for s in _statements(operation.sql)], created)
        return
    table = _table(state, app_label, model_name)
    if table in created:
        return  # the table is new in this migration: empty, and unknown to the previous release
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.many_to_many and not field.null and field.db_default is NOT_PROVIDED:
            yield Finding(name, "not-null-column", f"{table}.{operation.name}")
        if is_big(table) and (field.db_index or field.unique or field.is_relation) and not field.many_to_many:
            yield Finding(name, "index-on-big-table", f"{table}.{operation.name}")
    elif isinstance(operation, migrations.AlterField):
        old = state.models[(app_label, model_name.lower())].fields[operation.name]
        new = operation.field
        if _path(old) != _path(new):
            if (_path(old), _path(new)) not in SAFE_TYPE_CHANGES:
                yield Finding(name, "type-change", f"{table}.{operation.name}: {_path(old)} -> {_path(new)}")
        elif (old.max_length or 0) > (new.max_length or 0) or (
            getattr(old, "max_digits", None),
            getattr(old, "decimal_places", None),
        ) != (getattr(new, "max_digits", None), getattr(new, "decimal_places", None)):
            yield Finding(name, "type-change", f"{table}.{operation.name}: size changed")
        if old.null and not new.null:
            yield Finding(name, "set-not-null", f"{table}.{operation.name}")
        if is_big(table) and ((new.db_index and not old.db_index) or (new.unique and not old.unique)):
            yield Finding(name, "index-on-big-table", f"{table}.{operation.name}")
    elif isinstance(operation, migrations.AddIndex | migrations.AddConstraint) and is_big(table):
        if not isinstance(operation, migrations.AddIndex) or type(operation).__name__ != "AddIndexConcurrently":
            what = getattr(operation, "index", None) or getattr(operation, "constraint", None)
            yield Finding(name, "index-on-big-table", f"{table}: {type(operation).__name__} {what.name}")
    elif isinstance(operation, migrations.AlterUniqueTogether | migrations.AlterIndexTogether) and is_big(table):
        yield Finding(name, "index-on-big-table", f"{table}: {type(operation).__name__}")


def _statements(sql) -> list:
    if isinstance(sql, list | tuple):
        return [s[0] if isinstance(s, list | tuple) else s for s in sql]
    return [sql]


REWRITES = [
    re.compile(r"\bALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b", re.I | re.S),
    re.compile(r"\bSET\s+NOT\s+NULL\b", re.I),
    re.compile(r"\bVACUUM\s+FULL\b", re.I),
    re.compile(r"\bCLUSTER\b", re.I),
    re.compile(r"\bLOCK\s+TABLE\b", re.I),
]
ADD_CONSTRAINT = re.compile(r"\bADD\s+CONSTRAINT\b", re.I)
NOT_VALID = re.compile(r"\bNOT\s+VALID\b", re.I)
CREATE_INDEX = re.compile(r"\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?.*?\bON\s+\"?(\w+)\"?", re.I | re.S)
ALTER_TABLE = re.compile(r"\bALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?\"?(\w+)\"?", re.I)
CREATE_TABLE = re.compile(r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?(\w+)\"?", re.I)


def _sql_findings(name: str, statements: list[str], created: set[str]) -> Iterator[Finding]:
    """Findings in SQL text, skipping statements on tables created in the same migration."""
    for statement in statements:
        for table in CREATE_TABLE.findall(statement):
            created.add(table)
    for statement in statements:
        flat = " ".join(statement.split())
        altered = ALTER_TABLE.search(flat)
        table = altered.group(1) if altered else ""
        if table and table in created:
            continue
        rewrites = any(pattern.search(flat) for pattern in REWRITES[:2])
        validates = bool(ADD_CONSTRAINT.search(flat)) and not NOT_VALID.search(flat) and is_big(table)
        if altered and (rewrites or validates):
            yield Finding(name, "rewrite-sql", flat[:160])
        if any(pattern.search(flat) for pattern in REWRITES[2:]):
            yield Finding(name, "rewrite-sql", flat[:160])
        index = CREATE_INDEX.search(flat)
        if index and not index.group(1) and is_big(index.group(2)) and index.group(2) not in created:
            yield Finding(name, "rewrite-sql", flat[:160])


def ours(app_label: str) -> bool:
    """Our apps' migrations are judged; Django's and libraries' come with a dependency upgrade."""
    from django.apps import apps

    return apps.get_app_config(app_label).name.startswith("apps.")


def migration_plan() -> list[tuple[str, migrations.Migration]]:
    """Every migration on disk, in the order ``migrate`` applies them from an empty database."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    seen: set = set()
    plan = []
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                plan.append((f"{node[0]}.{node[1]}", loader.graph.nodes[node]))
    return plan


def scan_operations(extra: list[migrations.Migration] = ()) -> list[Finding]:
    """Operation-level findings for every migration of ours (any database); ``extra`` migrations
    are judged as if they came after all the others (how the test proves a new one is caught)."""
    findings: list[Finding] = []
    state = ProjectState(real_apps=set())
    plan = [*migration_plan(), *((f"{m.app_label}.{m.name}", m) for m in extra)]
    for name, migration in plan:
        if not ours(migration.app_label):
            for operation in migration.operations:
                operation.state_forwards(migration.app_label, state)
            continue
        created = {
            _table_of_new(migration.app_label, op)
            for op in migration.operations
            if isinstance(op, migrations.CreateModel)
        }
        for operation in migration.operations:
            findings.extend(_operation_findings(name, migration.app_label, operation, state, created))
            operation.state_forwards(migration.app_label, state)
    return findings


def _table_of_new(app_label: str, operation: migrations.CreateModel) -> str:
    return operation.options.get("db_table") or f"{app_label}_{operation.name_lower}"


def scan_sql(extra: list[migrations.Migration] = ()) -> list[Finding]:
    """SQL-level findings (what ``sqlmigrate`` prints) for every migration of ours; PostgreSQL only."""
    findings: list[Finding] = []
    state = ProjectState(real_apps=set())
    plan = [*migration_plan(), *((f"{m.app_label}.{m.name}", m) for m in extra)]
    for name, migration in plan:
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            state = migration.apply(state, editor, collect_sql=True)
        if ours(migration.app_label):
            findings.extend(_sql_findings(name, [str(s) for s in editor.collected_sql], set()))
    return findings
