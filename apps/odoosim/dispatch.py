"""Routes `execute_kw(model, method, args, kwargs)` to generic or model-specific behaviour.

Odoo binds positional args to the Python signature; for record methods the first positional
argument is the ids (an int is accepted and normalised to [id], errors/ids_as_int_accepted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import orm
from .errors import AccessError, PyAttributeError, PyIndexError, PyTypeError, UserError
from .orm import Env
from .registry import get_spec

#: methods that never write: they run on a read snapshot, concurrently with writes
READ_METHODS = {
    "search",
    "search_read",
    "read",
    "search_count",
    "fields_get",
    "name_search",
    "read_group",
    "default_get",
    "context_get",
    "exists",
    "check_access_rights",
    "has_group",
    "get_views",
}


@dataclass
class Method:
    """One RPC-callable method: `params` are the named parameters after `ids` (if any)."""

    fn: Callable[..., Any]
    params: tuple[str, ...]
    record: bool  # True: first positional arg is ids
    required: int = 0  # how many of `params` are mandatory


#: (model or "*", method) -> Method
METHODS: dict[tuple[str, str], Method] = {}


def rpc(model: str, name: str, params: tuple[str, ...] = (), *, record: bool = True, required: int = 0):
    """Register an RPC method: `fn(env, ids, **params)` or `fn(env, **params)` for model methods."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        METHODS[(model, name)] = Method(fn, params, record, required)
        return fn

    return deco


def normalize_ids(value: Any) -> list[int]:
    if value is None or value is False:
        return []
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]


def lookup(model: str, method: str) -> Method:
    """Find the implementation, raising the errors a real server raises."""
    if get_spec(model) is None:
        raise UserError(f"Object {model} doesn't exist")
    if method.startswith("_"):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    found = METHODS.get((model, method)) or METHODS.get(("*", method))
    if found is None:
        raise PyAttributeError(f"The method '{method}' does not exist on the model '{model}'")
    return found


def call(env: Env, model: str, method: str, args: list, kwargs: dict) -> Any:
    """Bind JSON-RPC style (positional + keyword) arguments and call the method."""
    impl = lookup(model, method)
    args = list(args or [])
    kwargs = dict(kwargs or {})
    kwargs.pop("context", None)
    bound: dict[str, Any] = {}
    ids: list[int] | None = None
    if impl.record:
        if args:
            ids = normalize_ids(args.pop(0))
        elif "ids" in kwargs:
            ids = normalize_ids(kwargs.pop("ids"))
        else:
            raise PyTypeError(f"{model}.{method}() missing 1 required positional argument: 'self'")
    if len(args) > len(impl.params):
        raise PyTypeError(
            f"{method}() takes {len(impl.params) + 1} positional arguments but {len(args) + 1} were given"
        )
    for pname, value in zip(impl.params, args, strict=False):
        bound[pname] = value
    for key, value in kwargs.items():
        if key not in impl.params:
            raise PyTypeError(f"{model}.{method}() got an unexpected keyword argument '{key}'")
        if key in bound:
            raise PyTypeError(f"{model}.{method}() got multiple values for argument '{key}'")
        bound[key] = value
    for pname in impl.params[: impl.required]:
        if pname not in bound:
            raise PyTypeError(f"{model}.{method}() missing 1 required positional argument: '{pname}'")
    if impl.record:
        return impl.fn(env, model, ids, **bound)
    return impl.fn(env, model, **bound)


def call_named(env: Env, model: str, method: str, ids: list[int] | None, params: dict) -> Any:
    """JSON-2 style call: ids and named parameters only."""
    impl = lookup(model, method)
    for key in params:
        if key not in impl.params:
            raise PyTypeError(f"{model}.{method}() got an unexpected keyword argument '{key}'")
    if impl.record:
        return impl.fn(env, model, normalize_ids(ids), **params)
    return impl.fn(env, model, **params)


def call_create(env: Env, model: str, vals: dict) -> int:
    """Create through the model's `create` (behaviour included); used by x2many commands."""
    impl = lookup(model, "create")
    result = impl.fn(env, model, vals_list=vals)
    return result


def call_write(env: Env, model: str, ids: list[int], vals: dict) -> bool:
    """Write through the model's `write` (behaviour included)."""
    return lookup(model, "write").fn(env, model, ids, vals=vals)


def is_read_only(method: str) -> bool:
    return method in READ_METHODS


def execute_kw_args(args: list) -> tuple[str, int, str, str, str, list, dict]:
    """Unpack `object.execute_kw` args like Odoo does (IndexError when too short)."""
    if len(args) < 5:
        raise PyIndexError("list index out of range")
    db, uid, password, model, method = args[:5]
    method_args = args[5] if len(args) > 5 else []
    method_kwargs = args[6] if len(args) > 6 else {}
    return db, uid, password, model, method, method_args or [], method_kwargs or {}


# -- generic methods available on every model ----------------------------------------------
@rpc("*", "search", ("domain", "offset", "limit", "order", "count"), record=False, required=1)
def _search(
    env: Env,
    model: str,
    domain: list,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
):
    if count:
        return orm.search_count(env, model, domain)
    return orm.search_ids(env, model, domain, offset or 0, limit, order)


@rpc("*", "search_read", ("domain", "fields", "offset", "limit", "order"), record=False)
def _search_read(
    env: Env,
    model: str,
    domain: list | None = None,
    fields: list | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
):
    spec = get_spec(model)
    if spec is not None:  # an unknown model is refused by search_ids with Odoo's own error
        orm.check_fields(spec, fields or [])
    ids = orm.search_ids(env, model, domain, offset or 0, limit, order)
    return _served(env, model, fields, orm.read(env, model, ids, fields))


@rpc("*", "read", ("fields", "load"))
def _read(env: Env, model: str, ids: list[int], fields: list | None = None, load: str = "_classic_read"):
    return _served(env, model, fields, orm.read(env, model, ids, fields))


LISTING_FIELDS = frozenset({"id", "write_date"})


def _served(env: Env, model: str, fields: list | None, rows: list) -> list:
    """Count the records served with their data (not an id/write_date listing): what the bench's
    rows-read ratio and the tests of "each row read once" measure."""
    if env.sim is not None and (not fields or set(fields) - LISTING_FIELDS):
        env.sim.count_rows_served(model, len(rows))
    return rows


@rpc("*", "search_count", ("domain", "limit"), record=False)
def _search_count(env: Env, model: str, domain: list | None = None, limit: int | None = None):
    return orm.search_count(env, model, domain, limit)


@rpc("*", "fields_get", ("allfields", "attributes"), record=False)
def _fields_get(env: Env, model: str, allfields: list | None = None, attributes: list | None = None):
    return orm.fields_get(env, model, allfields, attributes)


@rpc("*", "create", ("vals_list",), record=False, required=1)
def _create(env: Env, model: str, vals_list: dict | list):
    if isinstance(vals_list, dict):
        return orm.create(env, model, vals_list)
    return [orm.create(env, model, vals) for vals in vals_list]


@rpc("*", "write", ("vals",), required=1)
def _write(env: Env, model: str, ids: list[int], vals: dict):
    return orm.write(env, model, ids, vals)


@rpc("*", "unlink", ())
def _unlink(env: Env, model: str, ids: list[int]):
    return orm.unlink(env, model, ids)


@rpc("*", "name_search", ("name", "args", "operator", "limit"), record=False)
def _name_search(
    env: Env, model: str, name: str = "", args: list | None = None, operator: str = "ilike", limit: int = 100
):
    return orm.name_search(env, model, name, args, operator, limit)


@rpc("*", "read_group", ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"), record=False, required=3)
def _read_group(env: Env, model: str, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
    return orm.read_group(env, model, domain, fields, groupby, offset, limit, orderby, lazy)


@rpc("*", "default_get", ("fields_list",), record=False, required=1)
def _default_get(env: Env, model: str, fields_list: list):
    return {k[8:]: v for k, v in env.context.items() if k.startswith("default_") and k[8:] in fields_list}


@rpc("*", "exists", ())
def _exists(env: Env, model: str, ids: list[int]):
    return sorted(env.store.fetch(model, ids, ["id"]))


@rpc("res.users", "context_get", (), record=False)
def _context_get(env: Env, model: str):
    user = env.store.get("res.users", env.uid) or {}
    return {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or False, "uid": env.uid}
