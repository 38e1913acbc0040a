# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""Odoo domains and `order` strings translated to SQLite SQL over real (indexed) columns."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import PyValueError
from .registry import ONE2MANY_INVERSE, ModelSpec, registry

_OPERATORS = {
    "=",
    "!=",
    "<>",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not in",
    "like",
    "ilike",
    "not like",
    "not ilike",
    "=like",
    "=ilike",
    "child_of",
    "parent_of",
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_datetime_operand(value: Any) -> Any:
    """Make a datetime operand comparable with the stored text (PostgreSQL-like leniency).

    Accepts `T`, a trailing `Z`, a date alone and microseconds, as the recordings show a real
    server does in domains (concurrency/01). Output: `YYYY-MM-DD HH:MM:SS.ffffff`.
    """
    if not isinstance(value, str):
        return value
    text = value.strip().replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1]
    text = re.sub(r"[+-]\d{2}:?\d{2}$", "", text) if len(text) > 19 else text
    if _DATE_RE.match(text):
        text += " 00:00:00"
    if "." in text:
        head, frac = text.split(".", 1)
        return f"{head}.{(frac + '000000')[:6]}"
    return text + ".000000"


def _leaf_repr(leaf: list | tuple) -> str:
    return repr(tuple(leaf))


class DomainCompiler:
    """Compiles one domain against one model; `params` collects the SQL parameters."""

    def __init__(self, spec: ModelSpec, context: dict | None = None) -> None:
        self.spec = spec
        self.context = context or {}
        self.params: list[Any] = []
        self.mentions_active = False

    def compile(self, domain: list | None) -> str:
        """SQL boolean expression for `domain` (plus the implicit `active = True`)."""
        domain = list(domain or [])
        expr = self._compile_list(self.spec, domain, "") if domain else "1=1"
        if self.spec.has_active and not self.mentions_active and self.context.get("active_test", True):
            expr = f"({expr}) AND (active = 1)"
        return expr

    # prefix-notation parsing -------------------------------------------------------------
    def _compile_list(self, spec: ModelSpec, domain: list, alias: str) -> str:
        """Prefix notation, parsed left to right so SQL parameters stay in order."""
        pos = 0

        def parse() -> str:
            nonlocal pos
            if pos >= len(domain):
                raise PyValueError(f"Invalid domain {domain!r}")
            item = domain[pos]
            pos += 1
            if item in ("&", "|"):
                left = parse()
                right = parse()
                return f"({left} {'AND' if item == '&' else 'OR'} {right})"
            if item == "!":
                return f"(NOT {parse()})"
            if isinstance(item, list | tuple) and len(item) == 3:
                return self._leaf(spec, list(item), alias)
            raise PyValueError(f"Invalid leaf {item!r}")

        parts = []
        while pos < len(domain):
            parts.append(parse())
        return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else parts[0]

    def _leaf(self, spec: ModelSpec, leaf: list, alias: str) -> str:
        left, op, value = leaf
        if left in (0, 1) and op == "=" and value == 1:
            return "1=1" if left == 1 else "1=0"
        if not isinstance(left, str):
            raise PyValueError(f"Invalid leaf {_leaf_repr(leaf)}")
        op = op.lower() if isinstance(op, str) else op
        if op not in _OPERATORS:
            raise PyValueError(f"Invalid operator {op!r} in domain term {_leaf_repr(leaf)}")
        head, _, rest = left.partition(".")
        if head not in spec.fields:
            raise PyValueError(f"Invalid field {spec.name}.{head} in leaf {_leaf_repr(leaf)}")
        if spec is self.spec and head == "active":
            self.mentions_active = True
        fdef = spec.fields[head]
        ftype = fdef["type"]
        col = f'{alias}"{head}"'
        idcol = f"{alias}id"
        if rest:
            rel = registry().get(fdef.get("relation", ""))
            if rel is None:
                return "1=0"
            sub = DomainCompiler(rel, {"active_test": False})
            sub_sql = sub._leaf(rel, [rest, op, value], "")
            self.params += sub.params
            if ftype == "many2one":
                return f'{col} IN (SELECT id FROM "{rel.table}" WHERE {sub_sql})'
            inverse = ONE2MANY_INVERSE.get((spec.name, head))
            if inverse:
                return f'{idcol} IN (SELECT "{inverse[1]}" FROM "{rel.table}" WHERE {sub_sql})'
            return "1=0"
        if head == "display_name":
            head, ftype, col = spec.rec_name, spec.ftype(spec.rec_name), f'{alias}"{spec.rec_name}"'
        if ftype == "one2many" or (spec.name, head) in ONE2MANY_INVERSE:
            return self._x2many_leaf(spec, head, op, value, idcol)
        if ftype == "many2many":
            return self._m2m_leaf(col, op, value)
        if ftype == "many2one" and isinstance(value, str) and op not in ("in", "not in"):
            return self._m2o_name_leaf(spec, head, op, value, col)
        if ftype == "many2one" and isinstance(value, list | tuple) and op in ("=", "!="):
            op = "in" if op == "=" else "not in"
        if op in ("child_of", "parent_of"):
            op = "in"
        if ftype in ("datetime",):
            value = (
                [normalize_datetime_operand(v) for v in value]
                if isinstance(value, list)
                else normalize_datetime_operand(value)
            )
        if ftype == "boolean" and op in ("=", "!=", "<>"):
            truthy = bool(value)
            positive = truthy if op == "=" else not truthy
            return f"{col} = 1" if positive else f"({col} IS NULL OR {col} = 0)"
        return self._scalar(col, op, value)

    def _scalar(self, col: str, op: str, value: Any) -> str:
        if op in ("in", "not in"):
            values = list(value) if isinstance(value, list | tuple | set) else [value]
            has_false = any(v is False or v is None for v in values)
            values = [v for v in values if v is not False and v is not None]
            parts = []
            if values:
                self.params += values
                parts.append(f"{col} IN ({','.join('?' * len(values))})")
            if has_false:
                parts.append(f"{col} IS NULL")
            expr = "(" + " OR ".join(parts) + ")" if parts else "1=0"
            if op == "not in":
                return f"(NOT {expr} OR {col} IS NULL)" if not has_false else f"(NOT {expr})"
            return expr
        if value is False or value is None:
            if op == "=":
                return f"({col} IS NULL OR {col} = '')"
            if op in ("!=", "<>"):
                return f"({col} IS NOT NULL AND {col} != '')"
            return "1=0"
        if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
            pattern = str(value) if op.startswith("=") else f"%{value}%"
            insensitive = "ilike" in op
            negate = op.startswith("not")
            self.params.append(pattern.lower() if insensitive else pattern)
            target = f"LOWER({col})" if insensitive else col
            expr = f"({target} LIKE ? ESCAPE '\\')"
            return f"(NOT {expr} OR {col} IS NULL)" if negate else expr
        sql_op = "!=" if op == "<>" else op
        self.params.append(value)
        if sql_op == "!=":
            return f"({col} != ? OR {col} IS NULL)"
        return f"{col} {sql_op} ?"

    def _x2many_leaf(self, spec: ModelSpec, fname: str, op: str, value: Any, idcol: str) -> str:
        inverse = ONE2MANY_INVERSE.get((spec.name, fname))
        if inverse is None:
            return "1=0" if value not in (False, None, []) else "1=1"
        rel = registry()[inverse[0]]
        fk = f'"{inverse[1]}"'
        if value is False or value is None or value == []:
            exists = f'EXISTS (SELECT 1 FROM "{rel.table}" r WHERE r.{fk} = {idcol})'
            return f"NOT {exists}" if op in ("=", "in") else exists
        ids = list(value) if isinstance(value, list | tuple) else [value]
        ids = [int(i) for i in ids if isinstance(i, int)]
        self.params += ids
        expr = f'{idcol} IN (SELECT {fk} FROM "{rel.table}" WHERE id IN ({",".join("?" * len(ids)) or "NULL"}))'
        return f"NOT {expr}" if op in ("!=", "not in") else expr

    def _m2m_leaf(self, col: str, op: str, value: Any) -> str:
        if value is False or value is None or value == []:
            empty = f"({col} IS NULL OR {col} = '[]')"
            return empty if op in ("=", "in") else f"NOT {empty}"
        ids = list(value) if isinstance(value, list | tuple) else [value]
        self.params.append(json.dumps([int(i) for i in ids]))
        expr = f"EXISTS (SELECT 1 FROM json_each({col}) WHERE json_each.value IN (SELECT value FROM json_each(?)))"
        return f"NOT {expr}" if op in ("!=", "not in") else expr

    def _m2o_name_leaf(self, spec: ModelSpec, fname: str, op: str, value: str, col: str) -> str:
        rel = registry().get(spec.fields[fname].get("relation", ""))
        if rel is None:
            return "1=0"
        sub = DomainCompiler(rel, {"active_test": False})
        inner_op = "ilike" if op in ("=", "like", "ilike", "=like", "=ilike") else "not ilike"
        if op == "=":
            inner_op = "="
        sub_sql = sub._scalar(f'"{rel.rec_name}"', inner_op, value)
        self.params += sub.params
        return f'{col} IN (SELECT id FROM "{rel.table}" WHERE {sub_sql})'


def compile_domain(spec: ModelSpec, domain: list | None, context: dict | None = None) -> tuple[str, list]:
    """(where_sql, params) for `domain` on `spec`."""
    compiler = DomainCompiler(spec, context)
    sql = compiler.compile(domain)
    return sql, compiler.params


def compile_order(spec: ModelSpec, order: str | None) -> str:
    """SQL ORDER BY for an Odoo order spec ("write_date asc, id asc"); PostgreSQL null ordering."""
    order = order or spec.order
    parts = []
    for term in order.split(","):
        bits = term.strip().split()
        if not bits:
            continue
        fname = bits[0]
        direction = bits[1].lower() if len(bits) > 1 else "asc"
        if direction not in ("asc", "desc"):
            raise PyValueError(f"Invalid order direction {direction!r}")
        if fname == "display_name":
            fname = spec.rec_name
        if fname != "id" and fname not in spec.columns:
            if fname in spec.fields:
                continue  # non-stored fields are ignored for ordering
            raise PyValueError(f"Invalid field {fname!r} on model {spec.name!r}")
        nulls = "NULLS LAST" if direction == "asc" else "NULLS FIRST"
        parts.append(f'"{fname}" {direction.upper()} {nulls}')
    if not any(p.startswith('"id"') for p in parts):
        parts.append('"id" ASC')
    return ", ".join(parts)
