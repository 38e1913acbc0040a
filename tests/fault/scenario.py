"""The live scenario the faults hit: the warehouse moves in Odoo, people count stock on the floor,
and a supervisor decides the approval requests those counts raise, through the web process's API.

It runs in a thread of the test for as long as the faults last. Errors are expected (the web
process is down, the database refuses): the desk tries again next round, as a person would. What
the API accepted is recorded, so the test can prove that none of it was lost or done twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import requests
from django.db import close_old_connections, connection

from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from tests.writeback import factories

BRU_STOCK = factories.BRU_STOCK
# At most 20 on hand before and after: the simulator's own floor counts only pick quants above 20,
# so nobody but this scenario counts these bins. 18 against 10 is far above the variance threshold:
# a supervisor must approve it.
ON_HAND = 10.0
COUNTED = 18.0


@dataclass
class Ledger:
    counted: dict[int, float] = field(default_factory=dict)  # quant id -> counted quantity
    decided: dict[int, int] = field(default_factory=dict)  # request id -> quant id (the API said 200)
    answers: Counter = field(default_factory=Counter)  # "200", "503", "ConnectionError", ...
    rounds: int = 0


class FloorAndDesk:
    def __init__(self, sim, web_url: str, token: str, quants: list[int], every_s: float = 1.0) -> None:
        self.sim, self.web_url, self.every_s = sim, web_url, every_s
        self.headers = {"Authorization": f"Bearer {token}"}
        self.to_count = list(quants)
        self.ledger = Ledger()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fault-scenario")

    @staticmethod
    def prepare_quants(sim, count: int) -> list[int]:
        """Products nobody else touches, with stock in BRU/Stock: their counts are ours alone."""
        quants = []
        for _ in range(count):
            product_id = factories.new_product(sim, on_hand=ON_HAND, location_id=BRU_STOCK)
            found = sim.call(
                "stock.quant", "search", [("product_id", "=", product_id), ("location_id", "=", BRU_STOCK)]
            )
            quants.append(found[0])
        return quants

    def start(self) -> FloorAndDesk:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def snapshot(self) -> Ledger:
        with self._lock:
            return Ledger(dict(self.ledger.counted), dict(self.ledger.decided), Counter(self.ledger.answers))

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.round()
                self._stop.wait(self.every_s)
        finally:
            connection.close()

    def round(self) -> None:
        with self._lock:
            self.ledger.rounds += 1
            number = self.ledger.rounds
        self.sim.advance(30)  # half a minute of warehouse: pickings move, exceptions come and go
        if number % 2 and self.to_count:
            self._count(self.to_count.pop(0))
        self._decide_pending()

    def _count(self, quant_id: int) -> None:
        """Someone on the floor counts the bin (in Odoo, not applied: that needs the approval)."""
        self.sim.call(
            "stock.quant", "write", [quant_id], {"inventory_quantity": COUNTED}, context={"inventory_mode": True}
        )
        with self._lock:
            self.ledger.counted[quant_id] = COUNTED

    def _decide_pending(self) -> None:
        with self._lock:
            counted = list(self.ledger.counted)
            decided = set(self.ledger.decided)
        try:
            close_old_connections()
            pending = list(
                ApprovalRequest.objects.filter(
                    request_type=RequestType.INVENTORY_ADJUSTMENT,
                    odoo_model="stock.quant",
                    odoo_id__in=counted,
                    status=RequestStatus.PENDING,
                )
                .exclude(pk__in=decided)
                .values_list("pk", "odoo_id")
            )
        except Exception:  # the database refuses during its fault: the desk waits a round
            connection.close()
            with self._lock:
                self.ledger.answers["database unavailable to the desk"] += 1
            return
        for request_id, quant_id in pending:
            self._decide(request_id, quant_id)

    def _decide(self, request_id: int, quant_id: int) -> None:
        url = f"{self.web_url}/api/v1/approvals/requests/{request_id}/decide/"
        try:
            response = requests.post(
                url, json={"action": "approve", "reason": "recounted twice"}, headers=self.headers, timeout=10
            )
            answer = str(response.status_code)
        except requests.RequestException as exc:
            response, answer = None, type(exc).__name__
        with self._lock:
            self.ledger.answers[answer] += 1
            if response is not None and response.status_code == 200:
                self.ledger.decided[request_id] = quant_id
