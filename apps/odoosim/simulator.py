# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""The simulator core: storage, clock, credentials, sessions, faults, webhooks and scenario.

HTTP lives in server.py; this module is transport-agnostic so tests can also drive it directly.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import dispatch
from . import models as _models  # noqa: F401  (registers model behaviour)
from .access import LOWRIGHTS_UID, check_access
from .clock import SimClock
from .errors import AccessDenied, AccessError, DatabaseMissing, OdooError
from .faults import Faults
from .models.connection import ensure_connection_data, set_module_states
from .orm import Env
from .store import Store


@dataclass
class Credentials:
    """A login the simulator accepts: password or any of its API keys."""

    uid: int
    login: str
    password: str
    api_keys: list[str] = field(default_factory=list)


@dataclass
class Session:
    sid: str
    uid: int | None
    login: str | None
    db: str | None


class Simulator:
    """One simulated Odoo database."""

    def __init__(
        self,
        *,
        seed: int = 1,
        state_path: str | Path | None = None,
        scale: int = 1,
        speed: float = 0.0,
        database: str = "demo",
        login: str = "admin",
        password: str = "admin",  # noqa: S107 - the documented demo credentials
        api_key: str = "demo-api-key",
        clock_start: datetime | None = None,
        frozen_clock: bool = False,
        webhook_url: str | None = None,
        faults: dict | None = None,
        exception_rates: dict | None = None,
        history_hours: float = 0.0,
        inventory_history_days: float = 0.0,
    ) -> None:
        from .scenario import Scenario
        from .webhooks import WebhookSender

        self.seed = seed
        self.scale = scale
        self.speed = speed
        self.database = database
        self.base_url = "http://127.0.0.1:8169"  # replaced by the served URL once listening
        rate = 0.0 if frozen_clock else (speed if speed > 0 else 1.0)
        self.clock = SimClock(clock_start, rate=rate)
        self.store = Store(self.clock, state_path)
        self.faults = Faults(seed, faults)
        self.credentials: dict[str, Credentials] = {
            login: Credentials(2, login, password, [api_key] if api_key else []),
            "demo": Credentials(6, "demo", "demo", []),
            "lowrights": Credentials(LOWRIGHTS_UID, "lowrights", "lowrights", []),
        }
        self.sessions: dict[str, Session] = {}
        self._sessions_lock = threading.Lock()
        self.webhooks = WebhookSender(self, webhook_url)
        self.scenario = Scenario(self, seed=seed, scale=scale, exception_rates=exception_rates)
        if self.store.fresh:  # history is played before webhooks are on: nobody listens yet
            self.scenario.build_initial(history=timedelta(hours=history_hours))
            if inventory_history_days:
                self.scenario.play_inventory_history(inventory_history_days)
        ensure_connection_data(self.store)
        self.webhooks.install()
        self.rows_served: dict[str, int] = {}  # records served with their data, per model (read, search_read)
        self._served_lock = threading.Lock()
        # Committed write calls per (model, record id, method): how the fault suite proves that no
        # write-back reached Odoo twice. Only calls that committed count (a fault refuses before).
        self.writes: Counter[tuple[str, int, str]] = Counter()

    def count_writes(self, model: str, method: str, ids: Any) -> None:
        """Count a committed write call once for each record it named."""
        records = ids if isinstance(ids, list) else [ids]
        with self._served_lock:
            for record_id in records:
                if isinstance(record_id, int) and not isinstance(record_id, bool):
                    self.writes[(model, record_id, method)] += 1

    def count_rows_served(self, model: str, rows: int) -> None:
        with self._served_lock:
            self.rows_served[model] = self.rows_served.get(model, 0) + rows

    # -- auth --------------------------------------------------------------------------
    def check_db(self, db: Any, *, stateless: bool = False) -> None:
        """Unknown database: AccessError on the cookie session, psycopg2's error on /jsonrpc (as recorded)."""
        if db != self.database:
            raise DatabaseMissing(db) if stateless else AccessError("Database not found.")

    def authenticate(self, login: Any, password: Any) -> int | None:
        """uid when login/password (or API key) match, else None."""
        cred = self.credentials.get(login) if isinstance(login, str) else None
        if cred and isinstance(password, str) and (password == cred.password or password in cred.api_keys):
            return cred.uid
        return None

    def uid_for_key(self, key: str) -> int | None:
        for cred in self.credentials.values():
            if key in cred.api_keys:
                return cred.uid
        return None

    def check_uid_password(self, uid: Any, password: Any) -> int:
        """execute_kw re-checks the password on every call (AccessDenied otherwise)."""
        for cred in self.credentials.values():
            if (
                cred.uid == uid
                and isinstance(password, str)
                and (password == cred.password or password in cred.api_keys)
            ):
                return cred.uid
        raise AccessDenied()

    def new_session(self, uid: int | None = None, login: str | None = None, db: str | None = None) -> Session:
        session = Session(secrets.token_hex(20), uid, login, db)
        with self._sessions_lock:
            self.sessions[session.sid] = session
        return session

    def session(self, sid: str | None) -> Session | None:
        with self._sessions_lock:
            return self.sessions.get(sid or "")

    def destroy_session(self, sid: str | None) -> None:
        with self._sessions_lock:
            self.sessions.pop(sid or "", None)

    # -- calls -------------------------------------------------------------------------
    def env(self, uid: int, context: dict | None = None) -> Env:
        return Env(self.store, uid, dict(context or {}), self)

    def execute(self, uid: int, model: str, method: str, args: list, kwargs: dict) -> Any:
        """Run one RPC method in a read snapshot or a write transaction."""
        kwargs = dict(kwargs or {})
        context = kwargs.get("context") or {}
        env = self.env(uid, context)
        dispatch.lookup(model, method)
        check_access(uid, model, method)
        if dispatch.is_read_only(method):
            with self.store.snapshot():
                return dispatch.call(env, model, method, args, kwargs)
        with self.store.transaction():
            result = dispatch.call(env, model, method, args, kwargs)
        self.count_writes(model, method, args[0] if args else None)
        return result

    def execute_named(
        self, uid: int, model: str, method: str, ids: list[int] | None, params: dict, context: dict
    ) -> Any:
        """JSON-2 call (named parameters)."""
        env = self.env(uid, context)
        dispatch.lookup(model, method)
        check_access(uid, model, method)
        if dispatch.is_read_only(method):
            with self.store.snapshot():
                return dispatch.call_named(env, model, method, ids, params)
        with self.store.transaction():
            result = dispatch.call_named(env, model, method, ids, params)
        self.count_writes(model, method, ids)
        return result

    # -- control -------------------------------------------------------------------------
    def advance(self, seconds: float) -> str:
        """Move the clock forward and let the scenario catch up (deterministic)."""
        self.clock.advance(seconds)
        self.scenario.run_until(self.clock.now())
        return self.clock.now().strftime("%Y-%m-%d %H:%M:%S")

    def slow_transaction(
        self, model: str = "stock.picking", record_id: int | None = None, age_seconds: float = 120.0
    ) -> dict:
        """Commit a write whose write_date lies `age_seconds` in the past (a long transaction)."""
        from datetime import timedelta

        at = self.clock.now() - timedelta(seconds=age_seconds)
        with self.store.transaction(at=at):
            if record_id is None:
                row = self.store.query(f'SELECT id FROM "{self.store.table(model)}" ORDER BY id DESC LIMIT 1')
                if not row:
                    raise OdooError(f"no {model} record to touch")
                record_id = row[0][0]
            self.store.update(model, [record_id], {})
        return {"model": model, "id": record_id, "write_date": at.strftime("%Y-%m-%d %H:%M:%S.%f")}

    def change_without_write_date(self, model: str, record_id: int, values: dict) -> None:
        """Change values the way Odoo's non-stored computes move (a receivable after an invoice or a
        payment): the value reads differently, the record's write_date stays as it was."""
        with self.store.transaction(at=self.clock.now()):
            self.store.update(model, [record_id], values, touch=False)

    def set_module_states(self, states: dict[str, str]) -> dict[str, str]:
        """Test switch (POST /__sim__/modules): e.g. {"sale_stock": "uninstalled"}; returns all states."""
        return set_module_states(self.store, states)

    def state(self) -> dict:
        """Summary for GET /__sim__/state."""
        counts = {}
        with self.store.snapshot():
            for model in (
                "stock.picking",
                "stock.move",
                "stock.quant",
                "sale.order",
                "purchase.order",
                "product.product",
            ):
                counts[model] = self.store.query(f'SELECT COUNT(*) FROM "{self.store.table(model)}"')[0][0]
        return {
            "database": self.database,
            "seed": self.seed,
            "scale": self.scale,
            "speed": self.speed,
            "clock": self.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
            "clock_frozen": self.clock.frozen,
            "scenario_time": self.scenario.processed_until_text(),
            "faults": self.faults.state(),
            "webhook_url": self.webhooks.url,
            "webhooks_sent": self.webhooks.sent_count,
            "counts": counts,
            "rows_served": dict(self.rows_served),
            "writes": sum(self.writes.values()),
        }

    def close(self) -> None:
        self.scenario.stop()
        self.webhooks.close()
        self.store.close()
