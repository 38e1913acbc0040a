"""``OdooClient``: the one door to Odoo for the rest of Control Tower.

Every method returns plain Python data (lists, dicts, ints, None) and raises only
:mod:`apps.odoo.errors`. Each call goes through the retry policy and the circuit breaker
(:mod:`apps.odoo.resilience`) and is logged on ``apps.odoo`` with model, method, duration,
rows and outcome.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from . import paging
from .config import OdooConfig
from .errors import OdooError
from .paging import ChangedPage
from .resilience import OdooBreaker, RetryPolicy, get_breaker, is_read
from .transports import Transport, build_transport

logger = logging.getLogger("apps.odoo")

Domain = list[Any]
DEFAULT_FIELD_ATTRIBUTES = ("string", "type", "relation", "selection", "required", "readonly", "store")


class OdooClient:
    """A connection to one Odoo database (thread-safe; build one per process and share it)."""

    def __init__(
        self,
        config: OdooConfig,
        *,
        transport: Transport | None = None,
        breaker: OdooBreaker | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self._transport = transport
        self._transport_lock = threading.Lock()
        self.breaker = breaker or get_breaker(config)
        self.retry = retry or RetryPolicy.from_config(config)

    @classmethod
    def from_settings(cls, **overrides: Any) -> OdooClient:
        """A client configured by the ``ODOO_*`` Django settings (keyword arguments override)."""
        return cls(OdooConfig.from_settings(**overrides))

    # --- plumbing ------------------------------------------------------------------------------

    @property
    def transport(self) -> Transport:
        """The transport, built on first use (``auto`` asks the server for its version)."""
        if self._transport is None:
            with self._transport_lock:
                if self._transport is None:
                    self._transport = self._guarded("version_info", True, lambda: build_transport(self.config))
        return self._transport

    @property
    def transport_name(self) -> str:
        """``jsonrpc``/``json2`` once known, else the configured value."""
        return self._transport.name if self._transport is not None else self.config.transport

    def _guarded(self, label: str, read: bool, func: Any) -> Any:
        return self.retry.run(lambda: self.breaker.call(func), read=read, label=label)

    def _execute(
        self,
        model: str,
        method: str,
        ids: list[int] | None = None,
        args: list[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        transport = self.transport
        read = is_read(method)
        label = f"{model}.{method}"
        started = time.perf_counter()
        try:
            result = self._guarded(
                label, read, lambda: transport.execute(model, method, ids, list(args or []), dict(kwargs or {}))
            )
        except OdooError as exc:
            _log_call(model, method, started, outcome=type(exc).__name__, level=logging.WARNING, error=exc)
            raise
        rows = len(result) if isinstance(result, list) else None
        _log_call(model, method, started, outcome="ok", rows=rows, level=logging.DEBUG if read else logging.INFO)
        return result

    # --- server --------------------------------------------------------------------------------

    def version(self) -> dict[str, Any]:
        """``{"server_version": "17.0", "server_version_info": [...], "major": 17, "transport": ...}``."""
        transport = self.transport
        info = self._guarded("version_info", True, transport.version)
        return {
            "server_version": info.server_version,
            "server_version_info": info.raw.get("server_version_info"),
            "major": info.major,
            "transport": transport.name,
        }

    def authenticate(self) -> int:
        """Check the credentials now and return the integration user's id."""
        transport = self.transport
        return self._guarded("login", True, transport.authenticate)

    # --- reads ---------------------------------------------------------------------------------

    def search(
        self,
        model: str,
        domain: Domain,
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: dict[str, Any] | None = None,
    ) -> list[int]:
        """Ids of the records matching ``domain``."""
        kwargs = _options(order=order, limit=limit, offset=offset, context=context)
        return self._execute(model, "search", args=[domain], kwargs=kwargs)

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: list[str],
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows matching ``domain`` with ``fields`` (always name the fields: all fields is 10x slower)."""
        kwargs = {"domain": domain, "fields": list(fields), **_options(order=order, limit=limit, offset=offset)}
        if context:
            kwargs["context"] = context
        return self._execute(model, "search_read", kwargs=kwargs)

    def read(
        self, model: str, ids: list[int], fields: list[str], *, context: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Rows for ``ids``, in chunks of ``read_chunk_size``; missing ids are silently absent."""
        rows: list[dict[str, Any]] = []
        size = self.config.read_chunk_size
        for start in range(0, len(ids), size):
            kwargs: dict[str, Any] = {"fields": list(fields)}
            if context:
                kwargs["context"] = context
            rows.extend(self._execute(model, "read", ids=list(ids[start : start + size]), kwargs=kwargs))
        return rows

    def search_count(self, model: str, domain: Domain, *, context: dict[str, Any] | None = None) -> int:
        """How many records match ``domain``."""
        return self._execute(model, "search_count", args=[domain], kwargs=_options(context=context))

    def fields_get(
        self,
        model: str,
        fields: list[str] | None = None,
        *,
        attributes: tuple[str, ...] | list[str] = DEFAULT_FIELD_ATTRIBUTES,
        context: dict[str, Any] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Field definitions (``{name: {"type": ..., "string": ...}}``)."""
        kwargs = _options(context=context)
        kwargs["attributes"] = list(attributes)
        if fields:
            kwargs["allfields"] = list(fields)
        return self._execute(model, "fields_get", kwargs=kwargs)

    def search_read_pages(
        self,
        model: str,
        domain: Domain,
        fields: list[str],
        *,
        page_size: int | None = None,
        context: dict[str, Any] | None = None,
        include_archived: bool = True,
    ) -> Iterator[list[dict[str, Any]]]:
        """All rows matching ``domain``, in pages keyset-paged by id (full scans, reconciliation)."""
        return paging.iter_by_id(
            self.search_read,
            model,
            domain,
            fields,
            page_size=page_size or self.config.page_size,
            context=_sync_context(context, include_archived),
        )

    def iter_changed(
        self,
        model: str,
        fields: list[str],
        since: datetime | None,
        *,
        overlap: timedelta = timedelta(minutes=2),
        settled_until: datetime | None = None,
        already_read: paging.AlreadyRead | None = None,
        domain: Domain | None = None,
        page_size: int | None = None,
        context: dict[str, Any] | None = None,
        include_archived: bool = True,
    ) -> Iterator[ChangedPage]:
        """Pages of rows changed since ``since - overlap`` (see :mod:`apps.odoo.paging`).

        The overlap re-reads recent rows because ``write_date`` is the transaction's *start*
        time: a long transaction can commit rows older than the cursor after we read past it.
        ``include_archived`` (``active_test: False``) makes archiving visible as ``active=False``
        instead of the row silently dropping out of the search. ``settled_until``: rows written
        before it were read once Odoo's clock had passed them by the overlap (settled), so the
        overlap does not reach back before it (a quiet model is not re-read after a bulk write).
        """
        start = since - overlap if since else None
        if start is not None and settled_until is not None:
            start = max(start, settled_until)
        return paging.iter_changed(
            self.search_read,
            self.read,
            model,
            fields,
            start,
            already_read=already_read,
            domain=domain,
            page_size=page_size or self.config.page_size,
            context=_sync_context(context, include_archived),
            reads_in_flight=self.config.reads_in_flight,
        )

    # --- writes and actions --------------------------------------------------------------------

    def create(
        self, model: str, values: dict[str, Any] | list[dict[str, Any]], *, context: dict[str, Any] | None = None
    ) -> int | list[int]:
        """Create one record (returns its id) or several (a list of values; returns the ids)."""
        return self._execute(model, "create", args=[values], kwargs=_options(context=context))

    def write(
        self, model: str, ids: list[int], values: dict[str, Any], *, context: dict[str, Any] | None = None
    ) -> bool:
        """Write ``values`` on ``ids``. Datetimes must be formatted with ``format_datetime``."""
        return self._execute(model, "write", ids=list(ids), args=[values], kwargs=_options(context=context))

    def call(self, model: str, method: str, ids: list[int] | None = None, *args: Any, **kwargs: Any) -> Any:
        """Call any public method (``action_confirm``, ``button_validate``, ``message_post``...).

        ``ids`` None calls an ``@api.model`` method. ``kwargs`` (``context`` among them) go to
        the method by name. Returns what Odoo returned, None when the method returned None.
        Unless ``method`` is a known read, a timeout raises :class:`OdooTimeout` instead of
        being retried: re-read the record to learn whether it happened.
        """
        return self._execute(model, method, ids=None if ids is None else list(ids), args=list(args), kwargs=kwargs)

    # --- health --------------------------------------------------------------------------------

    def breaker_status(self) -> dict[str, Any]:
        """The circuit breaker's state, since when, failure count and last error."""
        return self.breaker.status()

    def close(self) -> None:
        """Release the transport's connections."""
        if self._transport is not None:
            self._transport.close()


_shared_client: OdooClient | None = None
_shared_client_lock = threading.Lock()


def get_client() -> OdooClient:
    """The process-wide client configured from settings (built on first use)."""
    global _shared_client
    with _shared_client_lock:
        if _shared_client is None:
            _shared_client = OdooClient.from_settings()
        return _shared_client


def reset_client() -> None:
    """Forget the process-wide client (after settings change, in tests)."""
    global _shared_client
    with _shared_client_lock:
        if _shared_client is not None:
            _shared_client.close()
        _shared_client = None


def _options(
    *, order: str | None = None, limit: int | None = None, offset: int = 0, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if order:
        options["order"] = order
    if limit is not None:
        options["limit"] = limit
    if offset:
        options["offset"] = offset
    if context:
        options["context"] = context
    return options


def _sync_context(context: dict[str, Any] | None, include_archived: bool) -> dict[str, Any] | None:
    if not include_archived:
        return context
    return {"active_test": False, **(context or {})}


def _log_call(
    model: str,
    method: str,
    started: float,
    *,
    outcome: str,
    level: int,
    rows: int | None = None,
    error: Exception | None = None,
) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    extra = {"odoo_model": model, "odoo_method": method, "duration_ms": duration_ms, "rows": rows, "outcome": outcome}
    if error is not None:
        logger.log(level, "odoo %s.%s %s in %s ms: %s", model, method, outcome, duration_ms, error, extra=extra)
    else:
        logger.log(level, "odoo %s.%s ok in %s ms (%s rows)", model, method, duration_ms, rows, extra=extra)
