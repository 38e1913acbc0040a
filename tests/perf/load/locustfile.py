"""What the floor does to Control Tower, for locust (headless; started by tests/perf/load/scenario.py).

Four kinds of user, with the credentials and record ids of a seeded plan (a JSON file named by
LOAD_PLAN, written by scenario.seed):
- supervisors (signed in by session cookie) read the exception queue and case pages;
- approvers (API tokens) list their inbox, open requests and approve them through the API, each
  request taken from a shared pool so two approvers never decide the same one;
- wall displays sign in with their display token, hold the live websocket (websocket-client, which
  locust brings) subscribed to their site, and fetch the board and its tiles over HTTP;
- Odoo posts webhooks to the intake with the real secret.

An answer counts as an error when it is a 5xx, a timeout or connection failure, or a 4xx the user
did not expect. 429s are errors too and are counted on their own: at this load none should occur.
What the server accepted (webhook events, decisions) is written to the plan's ledger at the end so
the scenario can check that none of it was lost.

This module must not import Django: locust patches the standard library with gevent.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path

import gevent
import websocket
from gevent import spawn_later
from locust import HttpUser, between, constant_pacing, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
TIMEOUT_S = float(PLAN.get("timeout_s", 10))
ACCEPTED_EVENTS: list[int] = []  # webhook events the intake answered 202 for
APPROVED: list[int] = []  # requests the API answered 200 for
PENDING = list(PLAN["pending_requests"])  # taken one at a time (gevent: pop is atomic)
random.Random(5).shuffle(PENDING)
STATUSES: Counter = Counter()  # every answer's status code, warm-up included
SOCKETS: Counter = Counter()  # live messages received by event, sockets opened and closed early
_serial = itertools.count(1)
_accounts = {kind: itertools.count() for kind in ("supervisors", "approvers", "displays")}


def _account(kind: str) -> dict:
    accounts = PLAN[kind]
    return accounts[next(_accounts[kind]) % len(accounts)]


def _check(response, expected: tuple[int, ...]) -> bool:
    """Mark the answer as an error unless its status is one the user expected."""
    STATUSES[str(response.status_code)] += 1
    if response.status_code in expected:
        response.success()
        return True
    if response.status_code == 429:
        response.failure("429 rate limited")
    else:
        response.failure(f"unexpected {response.status_code}")
    return False


@events.test_start.add_listener
def _warm_up(environment, **_kwargs):
    """The first LOAD_WARMUP_S seconds are not measured: the figures restart after them."""
    warmup_s = float(PLAN.get("warmup_s", 0))
    if warmup_s > 0 and environment.runner is not None:
        spawn_later(warmup_s, environment.runner.stats.reset_all)


@events.quitting.add_listener
def _write_ledger(environment, **_kwargs):
    ledger = {
        "accepted_events": ACCEPTED_EVENTS,
        "approved": APPROVED,
        "statuses": dict(STATUSES),
        "sockets": dict(SOCKETS),
    }
    Path(PLAN["ledger"]).write_text(json.dumps(ledger))


class Supervisor(HttpUser):
    """A supervisor at a desk: the exception queue, a case, its side panel."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        account = _account("supervisors")
        self.client.cookies.set(account["cookie_name"], account["cookie"])

    @task(3)
    def queue(self):
        with self.client.get("/exceptions/", name="queue page", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(2)
    def case_page(self):
        case = random.choice(PLAN["case_ids"])
        with self.client.get(f"/exceptions/{case}/", name="case page", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(1)
    def case_panel(self):
        case = random.choice(PLAN["case_ids"])
        url = f"/exceptions/{case}/panel/"
        with self.client.get(url, name="case panel", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(1)
    def cases_api(self):
        with self.client.get("/api/v1/cases/", name="cases API", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))


class Approver(HttpUser):
    """An approver's client: the inbox through the API, a request, a decision."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_account('approvers')['token']}"
        # An approver opens the inbox to clear what waits: the first decision comes at once, so
        # even a short run on a busy machine exercises the decide path (not left to the dice).
        self.approve()

    @task(3)
    def inbox(self):
        url = "/api/v1/approvals/inbox/"
        with self.client.get(url, name="inbox API", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(1)
    def request_detail(self):
        request_id = random.choice(PLAN["pending_requests"])
        url = f"/api/v1/approvals/requests/{request_id}/"
        with self.client.get(url, name="request API", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(2)
    def approve(self):
        if not PENDING:
            return  # everything seeded was decided: the inbox is empty, the approver only reads
        request_id = PENDING.pop()
        url = f"/api/v1/approvals/requests/{request_id}/decide/"
        body = {"action": "approve", "reason": "checked the credit note"}
        with self.client.post(url, json=body, name="decide API", timeout=TIMEOUT_S, catch_response=True) as r:
            if _check(r, (200,)):
                APPROVED.append(request_id)


class WallDisplay(HttpUser):
    """A TV on the wall (over HTTP only): signs in with its token, then the board and its tiles."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        self.display = _account("displays")
        self.socket = None
        self.stopping = False
        url = f"/wall/?token={self.display['token']}"
        with self.client.get(url, name="wall sign-in", timeout=TIMEOUT_S, catch_response=True) as r:
            if _check(r, (200,)):
                found = re.findall(rf"/wall/{self.display['site']}/tiles/([\w-]+)/", r.text)
                self.tiles = sorted(set(found)) or self.display["tiles"]
                self._connect()
            else:
                self.tiles = self.display["tiles"]

    def _connect(self):
        """Open the live socket as the board's script does and subscribe to the site; a greenlet reads it."""
        ws_url = self.host.replace("http", "ws", 1) + "/ws/live/"
        cookie = "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())
        group = f"site.{self.display['site']}"
        started = time.perf_counter()
        error = None
        try:
            self.socket = websocket.create_connection(ws_url, cookie=cookie, origin=self.host, timeout=TIMEOUT_S)
            self.socket.send(json.dumps({"action": "subscribe", "groups": [group]}))
            answer = json.loads(self.socket.recv())
            if answer.get("type") != "subscribed":
                error = RuntimeError(f"subscription answered {answer}")
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            error = exc
        events.request.fire(
            request_type="WS", name="wall socket", response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=error, context={},
        )  # fmt: skip
        if error is None:
            SOCKETS["opened"] += 1
            self.socket.settimeout(None)
            gevent.spawn(self._read)
        else:
            self.socket = None

    def _read(self):
        try:
            while True:
                message = json.loads(self.socket.recv())
                SOCKETS[f"event {message.get('event') or message.get('type')}"] += 1
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            if not self.stopping:  # the server closed it while the TV was showing it
                SOCKETS["closed early"] += 1
                events.request.fire(
                    request_type="WS", name="wall socket closed", response_time=0, response_length=0,
                    exception=exc or RuntimeError("closed"), context={},
                )  # fmt: skip

    def on_stop(self):
        self.stopping = True
        if self.socket is not None:
            self.socket.close()

    @task(1)
    def board(self):
        url = f"/wall/{self.display['site']}/"
        with self.client.get(url, name="wall board", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))

    @task(4)
    def tile(self):
        key = random.choice(self.tiles)
        url = f"/wall/{self.display['site']}/tiles/{key}/"
        with self.client.get(url, name="wall tile", timeout=TIMEOUT_S, catch_response=True) as r:
            _check(r, (200,))


class OdooWebhook(HttpUser):
    """Odoo's automation rule: a webhook per saved transfer, with the configured secret in the URL."""

    weight = 1
    wait_time = constant_pacing(1)

    @task
    def webhook(self):
        model, record_id = random.choice(PLAN["webhook_targets"])
        # a distinct write_date per save: every post is a new event (the intake dedupes repeats)
        stamp = f"{time.strftime('%Y-%m-%d %H:%M:%S')}.{next(_serial):06d}"
        body = {"_model": model, "_id": record_id, "_action": "load test save", "write_date": stamp}
        url = f"/api/v1/hooks/odoo/{PLAN['webhook_secret']}/"
        with self.client.post(url, json=body, name="odoo webhook", timeout=TIMEOUT_S, catch_response=True) as r:
            if _check(r, (202,)):
                ACCEPTED_EVENTS.append(r.json()["event"])
