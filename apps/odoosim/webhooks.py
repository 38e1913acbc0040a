"""Outgoing webhooks shaped like Odoo 17's "Send Webhook Notification" server action.

Recorded in tests/contract/odoo17/webhooks/03_received_requests.json: POST, JSON with sorted
keys, `User-Agent: python-requests/2.31.0`, many2one as bare ints, write_date with
microseconds, 1 s timeout, no retry, sent inside the transaction *before* it commits.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from typing import TYPE_CHECKING, Any

from .registry import registry

if TYPE_CHECKING:
    from .simulator import Simulator

log = logging.getLogger(__name__)

#: model -> fields sent (picking: the field set of the recorded rule)
WEBHOOK_FIELDS: dict[str, list[str]] = {
    "stock.picking": ["name", "origin", "partner_id", "picking_type_id", "scheduled_date", "state", "write_date"],
    "stock.move": ["picking_id", "product_id", "product_uom_qty", "quantity", "state", "write_date"],
    "stock.quant": ["product_id", "location_id", "quantity", "reserved_quantity", "write_date"],
    "sale.order": ["name", "partner_id", "state", "amount_total", "write_date"],
    "purchase.order": ["name", "partner_id", "state", "date_planned", "write_date"],
    "mail.activity": ["res_model", "res_id", "summary", "date_deadline", "write_date"],
    "stock.warehouse.orderpoint": ["product_id", "location_id", "product_min_qty", "product_max_qty", "write_date"],
    "res.partner": ["name", "credit_limit", "write_date"],
}
#: server action ids per model in this simulated database ("Send Webhook Notification(#N)")
ACTION_IDS = {model: 300 + index for index, model in enumerate(WEBHOOK_FIELDS)}
TIMEOUT_SECONDS = 1.0


class WebhookSender:
    """Collects touched records per transaction and POSTs one notification per record."""

    def __init__(self, sim: Simulator, url: str | None) -> None:
        self.sim = sim
        self.url = url
        self.models = set(WEBHOOK_FIELDS)
        self.sent_count = 0
        self._has_rules: bool | None = None
        self._held: tuple[str, bytes] | None = None
        self._lock = threading.Lock()

    def install(self) -> None:
        self.sim.store.before_commit_hooks.append(self._before_commit)

    def close(self) -> None:
        self.url = None

    def payload(
        self, model: str, rid: int, fields: list[str] | None = None, action_id: int | None = None
    ) -> dict[str, Any] | None:
        """The body for one record, read inside the current transaction."""
        row = self.sim.store.get(model, rid)
        if row is None:
            return None
        spec = registry()[model]
        body: dict[str, Any] = {
            "_action": f"Send Webhook Notification(#{action_id or ACTION_IDS[model]})",
            "_id": rid,
            "_model": model,
            "id": rid,
        }
        for fname in WEBHOOK_FIELDS[model] if fields is None else fields:
            if fname not in spec.fields:
                continue
            value = row.get(fname)
            ftype = spec.ftype(fname)
            if fname == "write_date":
                body[fname] = value  # keeps microseconds, unlike RPC reads
            elif ftype == "datetime":
                body[fname] = value[:19] if value else False
            elif ftype in ("float", "monetary"):
                body[fname] = float(value or 0.0)
            elif ftype == "boolean":
                body[fname] = bool(value)
            elif ftype in ("integer", "many2one_reference"):
                body[fname] = int(value or 0)
            else:
                body[fname] = value if value not in (None, "") else False
        return body

    def _before_commit(self, dirty: list[tuple[str, str, int]]) -> None:
        self._fire_automation_rules(dirty)
        url = self.url
        if not url:
            return
        for model, _op, rid in dirty:
            if model not in self.models:
                continue
            body = self.payload(model, rid)
            if body is None:
                continue
            data = json.dumps(body, sort_keys=True).encode()
            self._deliver(url, data)

    def _fire_automation_rules(self, dirty: list[tuple[str, str, int]]) -> None:
        """Automation rules created over RPC (base.automation with a webhook action), like Odoo: on save,
        inside the transaction, 1 s timeout, failures only logged (connection/06).

        Simplification: a rule fires on any save of its model, not only when a trigger field changed.
        """
        from .models.connection import webhook_rules

        # Most transactions run with no rule at all: ask the database only when rules changed.
        if self._has_rules is None or any(m in ("base.automation", "ir.actions.server") for m, _op, _rid in dirty):
            self._has_rules = bool(self.sim.store.query('SELECT 1 FROM "base_automation" WHERE active = 1 LIMIT 1'))
        if not self._has_rules:
            return
        models = {model for model, _op, _rid in dirty if model in registry()}
        rules = {
            (model, op): webhook_rules(self.sim.store, model, op) for model in models for op in ("create", "write")
        }
        for model, op, rid in dirty:
            for action_id, url, fields in rules.get((model, "create" if op == "create" else "write"), []):
                body = self.payload(model, rid, fields, action_id)
                if body is not None and url:
                    self._post(url, json.dumps(body, sort_keys=True).encode())

    def _deliver(self, url: str, data: bytes) -> None:
        faults = self.sim.faults
        if faults.roll(faults.settings.webhook_reorder_rate):
            with self._lock:
                previous, self._held = self._held, (url, data)
            if previous:
                self._post(*previous)
            # released after the next notification, or after a second if none comes
            timer = threading.Timer(1.0, self._release_held, args=(data,))
            timer.daemon = True
            timer.start()
            return
        self._post(url, data)
        if faults.roll(faults.settings.webhook_duplicate_rate):
            self._post(url, data)
        self._release_held(None)

    def _release_held(self, only: bytes | None) -> None:
        with self._lock:
            held = self._held
            if held is None or (only is not None and held[1] != only):
                return
            self._held = None
        self._post(*held)

    def _post(self, url: str, data: bytes) -> None:
        if not url.startswith(("http://", "https://")):
            log.warning("webhook URL %r is not http(s); not sent", url)
            return
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "python-requests/2.31.0",
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",
                "Connection": "keep-alive",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured URL
                response.read()
        except Exception as exc:  # errors are only logged, never retried (like Odoo)
            log.info("webhook to %s failed: %s", url, exc)
        finally:
            self.sent_count += 1
