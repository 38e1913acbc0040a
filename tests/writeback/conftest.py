"""Outbox test helpers: a driver that runs the executor synchronously, hook capture, and simulator
behaviours a real Odoo shows (refusing a call, an answer lost after the effect committed)."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from apps.odoo.client import reset_client
from apps.odoosim.errors import ValidationError
from apps.writeback.hooks import on_needs_attention, remove_needs_attention
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_enqueue, outbox_execute, outbox_run_due

WAITING = (OutboxEntry.Status.PENDING, OutboxEntry.Status.RUNNING)


class Driver:
    """Enqueue decisions and run the executor in this process, jumping the clock to each retry."""

    serial = 0

    def enqueue(self, **request) -> OutboxEntry:
        Driver.serial += 1
        request.setdefault("idempotency_key", f"test-{time.time_ns()}-{Driver.serial}")
        request.setdefault("cause_type", "test")
        request.setdefault("cause_id", str(Driver.serial))
        request.setdefault("preconditions", {})
        request.setdefault("site_code", "BRU")
        with transaction.atomic():
            return outbox_enqueue(**request)

    def run(self, entry: OutboxEntry, *, now=None) -> OutboxEntry:
        outbox_execute(entry_id=entry.pk, now=now)
        entry.refresh_from_db()
        return entry

    def drain(self, *, max_rounds: int = 500, start=None) -> timezone.datetime:
        """Run due entries until none waits, moving the clock to the next retry; returns the clock."""
        clock = start or timezone.now()
        for _ in range(max_rounds):
            waiting = OutboxEntry.objects.filter(status__in=WAITING)
            if not waiting.exists():
                return clock
            next_due = waiting.aggregate(at=Min("next_attempt_at"))["at"]
            clock = max(clock, timezone.now(), next_due)
            outbox_run_due(now=clock)
        raise AssertionError(f"outbox still busy after {max_rounds} rounds: {list(waiting.values('id', 'status'))}")

    @staticmethod
    def past_stale_claims(settings) -> timezone.datetime:
        return timezone.now() + timedelta(seconds=settings.WRITEBACK_CLAIM_STALE_S + 1)


@pytest.fixture
def outbox(odoo, settings):
    """The gateway on this module's simulator, and outbox timings a test can jump over."""
    settings.WRITEBACK_REDISPATCH_AFTER_S = 0
    settings.WRITEBACK_BACKOFF_BASE_S = 1
    settings.WRITEBACK_BACKOFF_MAX_S = 30
    settings.WRITEBACK_MAX_ATTEMPTS = 5
    settings.WRITEBACK_CLAIM_STALE_S = 60
    return Driver()


@pytest.fixture
def attention():
    """Entries handed to the needs-attention hook during the test."""
    received = []

    def callback(entry):
        received.append(entry)

    on_needs_attention(callback)
    yield received
    remove_needs_attention(callback)


@pytest.fixture
def odoo_refuses(simulator, monkeypatch):
    """Make the simulator refuse one method like a customer's Odoo constraint would (ValidationError)."""

    def refuse(model: str, method: str, message: str) -> None:
        original = simulator.sim.execute

        def execute(uid, call_model, call_method, args, kwargs):
            if (call_model, call_method) == (model, method):
                raise ValidationError(message)
            return original(uid, call_model, call_method, args, kwargs)

        monkeypatch.setattr(simulator.sim, "execute", execute)

    return refuse


@pytest.fixture
def answer_lost(simulator, monkeypatch, settings):
    """Odoo commits the call, but its answer comes after the client's timeout (outcome unknown).

    Same as a `latency_ms` fault longer than the timeout, applied after the effect and only to the
    one method, so the reads before it answer in time. `.heal()` ends it.
    """
    settings.ODOO_TIMEOUT_S = 0.3
    reset_client()
    state = {"armed": True, "hits": 0}
    original = simulator.sim.execute

    class Control:
        def arm(self, model: str, method: str) -> None:
            def execute(uid, call_model, call_method, args, kwargs):
                result = original(uid, call_model, call_method, args, kwargs)
                if state["armed"] and (call_model, call_method) == (model, method):
                    state["hits"] += 1
                    time.sleep(settings.ODOO_TIMEOUT_S * 2)
                return result

            monkeypatch.setattr(simulator.sim, "execute", execute)

        def heal(self) -> None:
            state["armed"] = False

        @property
        def hits(self) -> int:
            return state["hits"]

    yield Control()
    reset_client()
