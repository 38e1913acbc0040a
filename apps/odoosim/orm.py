# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""Generic ORM behaviour shared by every model: search, read, create, write, unlink, ...

Values are converted between the wire (Odoo JSON) and storage (SQLite) forms here; model
specific behaviour (computed fields, display names, state machines) plugs in through
`hooks`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import DT_FORMAT, fmt_micro
from .domain import compile_domain, compile_order
from .errors import MissingError, PyValueError, ValidationError
from .registry import ENFORCED_REQUIRED, ONE2MANY_INVERSE, ModelSpec, get_spec, registry

if TYPE_CHECKING:
    from .store import Store

#: (model) -> fn(env, rows: dict[id,row]) -> dict[id, str]
DISPLAY_NAME: dict[str, Callable[[Env, dict[int, dict]], dict[int, str]]] = {}
#: (model) -> the columns its DISPLAY_NAME function reads. Odoo computes a display name from a few
#: fields; fetching every column of a wide table (product.product has 126) for it made each `read`
#: page cost several times what the same rows cost in one search_read, unlike a real server.
DISPLAY_NAME_COLUMNS: dict[str, tuple[str, ...]] = {}
#: (model, field) -> fn(env, ids) -> dict[id, value] (values already in wire form)
COMPUTED: dict[tuple[str, str], Callable[[Env, list[int]], dict[int, Any]]] = {}
#: model -> fn(env, vals) -> vals (defaults applied before create)
DEFAULTS: dict[str, Callable[[Env, dict], dict]] = {}


@dataclass
class Env:
    """What a method call sees: storage, the calling user, the request context, the simulator."""

    store: Store
    uid: int = 2
    context: dict = field(default_factory=dict)
    sim: Any = None

    def with_context(self, **extra: Any) -> Env:
        return Env(self.store, self.uid, {**self.context, **extra}, self.sim)

    @property
    def now(self) -> datetime:
        return self.store.now


# -- conversions -------------------------------------------------------------------------
def to_storage(spec: ModelSpec, fname: str, value: Any) -> Any:
    """Wire value -> column value, validating like Odoo (datetime format, selection values)."""
    ftype = spec.ftype(fname)
    if value is None:
        value = False
    if ftype in ("char", "text", "html"):
        return None if value is False else str(value)
    if ftype == "selection":
        if value is False or value == "":
            return None
        keys = [str(k) for k, _label in spec.fields[fname].get("selection") or []]
        if keys and str(value) not in keys:
            raise PyValueError(f"Wrong value for {spec.name}.{fname}: {value!r}")
        return value
    if ftype == "boolean":
        return 1 if value else 0
    if ftype in ("integer", "many2one_reference"):
        return int(value or 0)
    if ftype in ("float", "monetary"):
        return float(value or 0.0)
    if ftype == "many2one":
        if value is False:
            return None
        if isinstance(value, list | tuple):
            value = value[0]
        return int(value)
    if ftype == "datetime":
        if value is False:
            return None
        return fmt_micro(parse_wire_datetime(value))
    if ftype == "date":
        if value is False:
            return None
        text = str(value)
        try:
            return datetime.strptime(text[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
        except ValueError as exc:
            raise PyValueError(str(exc)) from None
    if ftype in ("json", "properties", "properties_definition"):
        return None if value is False else json.dumps(value)
    if ftype == "binary":
        return None if value is False else str(value)
    return value


def parse_wire_datetime(value: Any) -> datetime:
    """Odoo 17 `fields.Datetime.to_datetime`: strict format, a bare date means midnight."""
    if isinstance(value, datetime):
        return value
    text = str(value)
    if len(text) == 10:
        try:
            return datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            pass
    try:
        return datetime.strptime(text, DT_FORMAT)
    except ValueError as exc:
        raise PyValueError(str(exc)) from None


def to_wire(ftype: str, value: Any) -> Any:
    """Column value -> Odoo JSON value (empty -> false, datetimes at second precision)."""
    if ftype in ("integer", "many2one_reference"):
        return int(value or 0)
    if ftype in ("float", "monetary"):
        return float(value or 0.0)
    if ftype == "boolean":
        return bool(value)
    if value is None or value == "":
        return False
    if ftype == "datetime":
        return value[:19]
    if ftype in ("json", "properties", "properties_definition"):
        return json.loads(value)
    return value


# -- display names -----------------------------------------------------------------------
def display_names(env: Env, model: str, ids: Iterable[int]) -> dict[int, str]:
    """display_name of each id (batch)."""
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return {}
    fn = DISPLAY_NAME.get(model)
    if fn is not None:
        return fn(env, env.store.fetch(model, ids, DISPLAY_NAME_COLUMNS.get(model)))
    spec = registry()[model]
    rec = spec.rec_name
    rows = env.store.fetch(model, ids, [rec] if rec in spec.columns else None)
    return {rid: str(row.get(rec) or "") if rec != "id" else f"{model},{rid}" for rid, row in rows.items()}


# -- generic methods ---------------------------------------------------------------------
def search_ids(
    env: Env,
    model: str,
    domain: list | None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
) -> list[int]:
    """Ids matching `domain`, ordered like Odoo."""
    spec = registry()[model]
    where, params = compile_domain(spec, domain, env.context)
    sql = f'SELECT id FROM "{spec.table}" WHERE {where} ORDER BY {compile_order(spec, order)}'
    if limit:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += f" {'' if limit else 'LIMIT -1'} OFFSET {int(offset)}"
    return [r[0] for r in env.store.query(sql, params)]


def search_count(env: Env, model: str, domain: list | None, limit: int | None = None) -> int:
    """Number of records matching `domain`."""
    spec = registry()[model]
    where, params = compile_domain(spec, domain, env.context)
    sql = f'SELECT COUNT(*) FROM "{spec.table}" WHERE {where}'
    if limit:
        sql = f'SELECT COUNT(*) FROM (SELECT id FROM "{spec.table}" WHERE {where} LIMIT {int(limit)})'
    return int(env.store.query(sql, params)[0][0])


def check_fields(spec: ModelSpec, fields: Iterable[str]) -> None:
    for fname in fields:
        if fname not in spec.fields:
            raise PyValueError(f"Invalid field {fname!r} on model {spec.name!r}")


def read(env: Env, model: str, ids: Iterable[int], fields: list[str] | None = None) -> list[dict]:
    """Odoo `read`: missing ids are dropped silently; order of `ids` is kept."""
    spec = registry()[model]
    ids = [int(i) for i in ids]
    fields = list(fields) if fields else [f for f in spec.fields if f != "id"]
    check_fields(spec, fields)
    fields = [f for f in fields if f != "id"]
    columns = [f for f in fields if f in spec.columns or f in spec.m2m_columns]
    if not columns:
        columns = ["id"]
    rows = env.store.fetch(model, ids, columns)
    present = [i for i in ids if i in rows]
    if not present:
        return []
    out: dict[int, dict[str, Any]] = {rid: {"id": rid} for rid in present}
    for fname in fields:
        fdef = spec.fields[fname]
        ftype = fdef["type"]
        computed = COMPUTED.get((model, fname))
        if computed is not None:
            values = computed(env, present)
            for rid in present:
                out[rid][fname] = values.get(rid, to_wire(ftype, None))
        elif fname == "display_name":
            names = display_names(env, model, present)
            for rid in present:
                out[rid][fname] = names.get(rid, False)
        elif ftype == "many2one":
            rel = fdef.get("relation")
            targets = [rows[rid][fname] for rid in present if rows[rid].get(fname)]
            names = display_names(env, rel, targets) if rel in registry() else {}
            for rid in present:
                target = rows[rid].get(fname)
                out[rid][fname] = (
                    [target, names.get(target, "")] if target and (target in names or rel not in registry()) else False
                )
        elif (model, fname) in ONE2MANY_INVERSE:
            values = one2many_ids(env, model, fname, present)
            for rid in present:
                out[rid][fname] = values.get(rid, [])
        elif ftype == "many2many":
            for rid in present:
                raw = rows[rid].get(fname)
                out[rid][fname] = json.loads(raw) if raw else []
        elif ftype == "one2many":
            values = one2many_ids(env, model, fname, present)
            for rid in present:
                out[rid][fname] = values.get(rid, [])
        elif fname in spec.columns:
            for rid in present:
                out[rid][fname] = to_wire(ftype, rows[rid].get(fname))
        else:
            for rid in present:
                out[rid][fname] = [] if ftype in ("properties",) else to_wire(ftype, None)
    return [out[rid] for rid in present]


def one2many_ids(env: Env, model: str, fname: str, ids: list[int]) -> dict[int, list[int]]:
    """Ids on the other side of a one2many, derived from the inverse many2one (ordered by id)."""
    inverse = ONE2MANY_INVERSE.get((model, fname))
    result: dict[int, list[int]] = defaultdict(list)
    if inverse is None or not ids:
        return result
    rel = registry()[inverse[0]]
    fk = inverse[1]
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        sql = f'SELECT id, "{fk}" FROM "{rel.table}" WHERE "{fk}" IN ({",".join("?" * len(chunk))}) ORDER BY id'
        for row in env.store.query(sql, chunk):
            result[row[1]].append(row[0])
    return result


_STANDARD_ATTRS = {"string", "type", "relation", "selection", "required", "readonly", "store", "help"}


def fields_get(env: Env, model: str, allfields: list[str] | None = None, attributes: list[str] | None = None) -> dict:
    """The recorded field definitions, filtered by name and attributes."""
    spec = registry()[model]
    names = [f for f in (allfields or spec.fields) if f in spec.fields]
    out = {}
    for fname in names:
        fdef = spec.fields[fname]
        # some fields carry extra keys (searchable, exportable...) that Odoo returns whatever
        # `attributes` asks: the recordings show them, so only the usual attributes are filtered
        if "exportable" in fdef:  # res.users' reified group fields come back whole
            out[fname] = dict(fdef)
            continue
        out[fname] = {k: v for k, v in fdef.items() if not attributes or k in attributes or k not in _STANDARD_ATTRS}
    return out


def _apply_defaults(env: Env, model: str, vals: dict) -> dict:
    spec = registry()[model]
    vals = dict(vals)
    for key, value in env.context.items():
        if key.startswith("default_") and key[8:] in spec.fields:
            vals.setdefault(key[8:], value)
    if spec.has_active:
        vals.setdefault("active", True)
    if "company_id" in spec.fields and spec.ftype("company_id") == "many2one":
        vals.setdefault("company_id", 1)
    fn = DEFAULTS.get(model)
    return fn(env, vals) if fn else vals


def required_error(spec: ModelSpec, fname: str) -> ValidationError:
    label = spec.fields[fname].get("string", fname)
    return ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        f"Model: {spec.description} ({spec.name})\nField: {label} ({fname})\n"
    )


def create(env: Env, model: str, vals: dict) -> int:
    """Create one record from wire values (x2many commands included); returns its id."""
    spec = registry()[model]
    check_fields(spec, vals)
    vals = _apply_defaults(env, model, vals)
    for fname in ENFORCED_REQUIRED.get(model, []):
        if vals.get(fname) in (None, False, ""):
            raise required_error(spec, fname)
    row, x2many = _split(spec, vals)
    rid = env.store.insert(model, row)
    _apply_x2many(env, model, rid, x2many)
    return rid


def write(env: Env, model: str, ids: list[int], vals: dict) -> bool:
    """Write wire values on existing records; MissingError when one does not exist."""
    spec = registry()[model]
    check_fields(spec, vals)
    existing = env.store.fetch(model, ids, ["id"])
    for rid in ids:
        if rid not in existing:
            raise missing_error(model, [rid], env.uid)
    row, x2many = _split(spec, vals)
    env.store.update(model, ids, row)
    for rid in ids:
        _apply_x2many(env, model, rid, x2many)
    return True


def missing_error(model: str, ids: list[int], uid: int) -> MissingError:
    rec = f"{model}({', '.join(str(i) for i in ids)},)"
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {rec}, User: {uid})")


def unlink(env: Env, model: str, ids: list[int]) -> bool:
    """Delete records (one2many children with a required inverse go with them)."""
    for (parent, _fname), (child, fk) in ONE2MANY_INVERSE.items():
        if parent == model and child != model and fk in ("picking_id", "order_id", "move_id"):
            child_ids = search_ids(env.with_context(active_test=False), child, [[fk, "in", ids]])
            env.store.delete(child, child_ids)
    env.store.delete(model, ids)
    return True


def _split(spec: ModelSpec, vals: dict) -> tuple[dict, dict]:
    row: dict[str, Any] = {}
    x2many: dict[str, Any] = {}
    for fname, value in vals.items():
        ftype = spec.ftype(fname)
        if fname in ("id", "display_name", "create_date", "write_date"):
            continue
        if ftype == "one2many" or (spec.name, fname) in ONE2MANY_INVERSE:
            x2many[fname] = value
        elif ftype == "many2many":
            row[fname] = _m2m_value(value, [])
        elif fname in spec.columns:
            row[fname] = to_storage(spec, fname, value)
    return row, x2many


def _m2m_value(commands: Any, current: list[int]) -> list[int]:
    ids = list(current)
    if not commands:
        return []
    for cmd in commands:
        if isinstance(cmd, int):
            ids.append(cmd)
        elif cmd[0] == 6:
            ids = list(cmd[2])
        elif cmd[0] == 4 and cmd[1] not in ids:
            ids.append(cmd[1])
        elif cmd[0] in (3, 2):
            ids = [i for i in ids if i != cmd[1]]
        elif cmd[0] == 5:
            ids = []
    return ids


def _apply_x2many(env: Env, model: str, rid: int, x2many: dict) -> None:
    from .dispatch import call_create, call_write  # children may have behaviour (stock.move)

    for fname, commands in x2many.items():
        inverse = ONE2MANY_INVERSE.get((model, fname))
        if inverse is None:
            continue
        child, fk = inverse
        for cmd in commands or []:
            code = cmd[0]
            if code == 0:
                call_create(env, child, {**cmd[2], fk: rid})
            elif code == 1:
                call_write(env, child, [cmd[1]], cmd[2])
            elif code == 2:
                env.store.delete(child, [cmd[1]])
            elif code == 4:
                env.store.update(child, [cmd[1]], {fk: rid})
            elif code == 6:
                env.store.update(child, list(cmd[2]), {fk: rid})


def name_search(
    env: Env, model: str, name: str = "", args: list | None = None, operator: str = "ilike", limit: int = 100
) -> list:
    """[[id, display_name], ...] of records whose rec_name matches."""
    spec = registry()[model]
    domain = list(args or [])
    if name:
        domain = (
            ["&", *domain, [spec.rec_name if spec.rec_name != "id" else "id", operator, name]]
            if domain
            else [[spec.rec_name, operator, name]]
        )
    ids = search_ids(env, model, domain, limit=limit)
    names = display_names(env, model, ids)
    return [[i, names.get(i, "")] for i in ids]


def read_group(
    env: Env,
    model: str,
    domain: list,
    fields: list[str],
    groupby: list[str] | str,
    offset: int = 0,
    limit: int | None = None,
    orderby: str | bool = False,
    lazy: bool = True,
) -> list[dict]:
    """Minimal read_group: counts (and float sums of requested fields) per group value."""
    spec = registry()[model]
    groupby = [groupby] if isinstance(groupby, str) else list(groupby)
    if lazy:
        groupby = groupby[:1]
    check_fields(spec, [g.split(":")[0] for g in groupby])
    where, params = compile_domain(spec, domain, env.context)
    cols = ", ".join(f'"{g}"' for g in groupby)
    sums = [
        f.split(":")[0]
        for f in fields
        if f.split(":")[0] in spec.columns and spec.ftype(f.split(":")[0]) in ("float", "monetary", "integer")
    ]
    sum_sql = "".join(f', SUM("{f}")' for f in sums)
    sql = f'SELECT {cols}, COUNT(*){sum_sql} FROM "{spec.table}" WHERE {where} GROUP BY {cols} ORDER BY {cols}'
    rows = env.store.query(sql, params)
    out = []
    for row in rows[offset : (offset + limit) if limit else None]:
        group: dict[str, Any] = {}
        extra_domain: list = []
        for idx, g in enumerate(groupby):
            value = row[idx]
            ftype = spec.ftype(g)
            if ftype == "many2one" and value:
                group[g] = [value, display_names(env, spec.fields[g]["relation"], [value]).get(value, "")]
            else:
                group[g] = to_wire(ftype, value)
            extra_domain.append([g, "=", value if value is not None else False])
        count_key = "__count" if not lazy else f"{groupby[0]}_count"
        group[count_key] = row[len(groupby)]
        for idx, f in enumerate(sums):
            group[f] = row[len(groupby) + 1 + idx] or 0.0
        base = list(domain or [])
        full = base + extra_domain
        group["__domain"] = ["&"] * (len(full) - 1) + full if len(full) > 1 else full
        out.append(group)
    return out


def model_exists(model: str) -> bool:
    return get_spec(model) is not None
