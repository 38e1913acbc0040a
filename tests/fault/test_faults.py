"""The fault suite: a live scenario on PostgreSQL + Redis while, in turn, a Celery worker is killed
mid-write, Daphne is killed, Redis restarts, PostgreSQL drops and refuses connections, and Odoo is
down and then slow and failing 30% of calls. Then: no decision lost, no write-back done twice, no
mirror drift, every screen live again, and the health page showed each fault while it lasted.

FAULT_OUTAGE_S sets the Odoo outage (20 s here and in CI; `make fault` runs minutes). The timings
of each phase are printed (`-s`) and written to var/fault-report.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import requests
from django.db.models import Q
from django.test import Client

from apps.accounts.api_tokens import api_token_create
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from apps.mirror.models import Location, Move, Quant, SyncState
from apps.mirror.specs import SYNC_ORDER
from apps.odoosim.server import start_simulator
from apps.writeback.models import OutboxEntry
from tests.conftest import PASSWORD
from tests.fault.scenario import FloorAndDesk
from tests.fault.screens import Screen
from tests.fault.stack import (
    DIAGNOSTICS,
    Beat,
    PrivateRedis,
    Web,
    Worker,
    broker_for,
    child_environment,
    drop_database_connections,
    refuse_database_connections,
    wait_until,
)
from tests.servers import ROOT

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True), pytest.mark.timeout(1800)]

OUTAGE_S = float(os.environ.get("FAULT_OUTAGE_S", "20"))
SHORT_OUTAGE_S = min(OUTAGE_S, 5.0)  # Redis and PostgreSQL: long enough to be seen, every client errs
QUANTS = 14
Status = OutboxEntry.Status


class Report:
    """Phase timings and figures, printed and saved for the note."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.phases: dict[str, dict] = {}

    def phase(self, name: str, **figures) -> None:
        figures["at_s"] = round(time.monotonic() - self.started, 1)
        self.phases[name] = figures
        print(f"fault suite: {name}: {figures}", flush=True)

    def save(self, **totals) -> None:
        path = ROOT / "var" / "fault-report.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"outage_s": OUTAGE_S, "phases": self.phases, **totals}, indent=2, default=str))


@pytest.fixture
def stack(production_path, sites, fast_schedules):
    redis = PrivateRedis().start()
    sim = start_simulator(port=0, seed=7)
    env = child_environment(redis.url(), sim.url, sim.database)
    broker = broker_for(redis.url())
    processes: list = []
    try:
        web = Web("web", env)
        worker = Worker("worker", env, broker)
        beat = Beat("beat", env)
        processes += [web, worker, beat]
        yield {"redis": redis, "sim": sim, "env": env, "web": web, "worker": worker, "beat": beat}
    finally:
        for process in processes:
            process.stop()
        sim.stop()
        redis.stop()
        refuse_database_connections(False)


def cookie_of(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_nothing_is_lost_or_done_twice_while_every_part_fails_in_turn(stack, sites):
    report = Report()
    redis, sim, web, worker, beat = (stack[k] for k in ("redis", "sim", "web", "worker", "beat"))
    ensure_default_policies()
    sam = user_upsert(username="sam.floor", password=PASSWORD, roles=[Role.SUPERVISOR], sites=[sites["BRU"]])
    token = api_token_create(user=sam, name="fault suite desk", scopes=["read", "decide"], created_by=sam).raw
    quants = FloorAndDesk.prepare_quants(sim, QUANTS)
    applied_before = {quant: sim.writes("stock.quant", quant, "action_apply_inventory") for quant in quants}

    web.start()
    worker.start()
    beat.start()
    wait_until(
        lambda: SyncState.objects.filter(odoo_model__in=SYNC_ORDER).exclude(last_success_at=None).count()
        == len(SYNC_ORDER),
        120,
        "the first sync of every model",
    )
    wait_until(lambda: Quant.objects.filter(odoo_id__in=quants).count() == len(quants), 30, "our quants mirrored")
    screen = Screen(web.ws_url, web.url, cookie_of(sam), ["site.BRU"]).start()
    wait_until(lambda: screen.live() and screen.events("pulse"), 30, "the screen to go live")
    desk = FloorAndDesk(sim, web.url, token, quants).start()
    DIAGNOSTICS[:] = [lambda: desk.snapshot(), lambda: diagnose(desk)]
    wait_until(lambda: desk.snapshot().decided, 60, "a first decision written back")
    report.phase("stack up, scenario running", decided=len(desk.snapshot().decided))

    try:
        kill_a_worker_mid_write(report, sim, worker, screen, web)
        kill_daphne(report, web, screen)
        restart_redis(report, redis, web, worker, screen)
        drop_postgresql_connections(report, web, screen)
        take_odoo_down(report, sim, web, screen)
        wait_until(lambda: not desk.to_count, 120, "every bin counted")
        wait_until(lambda: all_counts_raised(desk), 180, "a request raised for every count")
        wait_until(lambda: all_decided(desk), 180, "every request decided")
    finally:
        desk.stop()
    ledger = desk.snapshot()
    wait_until(lambda: outbox_settled(), 180, "the outbox to drain")
    report.phase("recovered", decisions=len(ledger.decided), answers=dict(ledger.answers))
    assert "500" not in ledger.answers  # while the database was away the API said 503: try again

    # Zero lost approvals: every count raised a request, every decision the API confirmed is
    # approved and its count applied in Odoo.
    approved = dict(
        ApprovalRequest.objects.filter(
            request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_model="stock.quant", odoo_id__in=ledger.counted
        ).values_list("pk", "odoo_id")
    )
    assert set(approved.values()) == set(ledger.counted), "a count raised no request"
    assert set(ledger.decided) <= set(approved)
    statuses = dict(ApprovalRequest.objects.filter(pk__in=approved).values_list("pk", "status"))
    assert set(statuses.values()) == {RequestStatus.APPROVED}, statuses
    entries = {
        int(cause): (status, error)
        for cause, status, error in OutboxEntry.objects.filter(
            cause_type="approval_request", cause_id__in=[str(pk) for pk in approved]
        ).values_list("cause_id", "status", "last_error")
    }
    assert set(entries) == set(approved), no_write_back(set(approved) - set(entries), approved)
    assert {status for status, _ in entries.values()} <= {Status.DONE, Status.SKIPPED}, entries
    on_hand = {
        row["id"]: row["quantity"] for row in sim.call("stock.quant", "read", list(ledger.counted), ["quantity"])
    }
    assert on_hand == ledger.counted

    # Zero double write-backs: Odoo applied each count exactly once.
    applied = {
        quant: sim.writes("stock.quant", quant, "action_apply_inventory") - applied_before[quant]
        for quant in ledger.counted
    }
    assert set(applied.values()) == {1}, applied

    # Zero mirror drift once the scenario stops and one more sync has run.
    synced_after = time.time()
    wait_until(lambda: all_synced_since(synced_after), 60, "a sync after the scenario stopped")
    verify = subprocess.run(
        [sys.executable, "manage.py", "mirror_verify", "--full"],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # Screens live again, following the sequence, and the pages they load answer.
    wait_until(lambda: screen.live(), 30, "the screen to be live at the end")
    for page in ("/exceptions/", "/approvals/"):
        answer = requests.get(f"{web.url}{page}", headers={"Cookie": cookie_of(sam)}, timeout=30)
        assert answer.status_code == 200, (page, answer.status_code)
    state = screen.snapshot()
    screen.stop()
    report.phase(
        "checked",
        mirror_verify=verify.stdout.strip().splitlines()[-1],
        screen_connects=state.connects,
        screen_resyncs=state.resyncs,
        screen_gaps=state.gaps,
        writes_per_count=sorted(set(applied.values())),
    )
    report.save(total_s=round(time.monotonic() - report.started, 1), decisions=len(approved))


# --- the faults, each with what the health page and the screen must show while it lasts -------------


def kill_a_worker_mid_write(report, sim, worker, screen, web) -> None:
    """SIGKILL while an outbox write is at Odoo: the entry is re-run from a fresh read, once."""
    sim.set_faults(method_latency_ms={"action_apply_inventory": 3000})  # the kill lands inside a write
    try:
        entry = wait_until(
            lambda: OutboxEntry.objects.filter(status=Status.RUNNING).exclude(write_started_at=None).first(),
            180,
            "a write-back in flight",
            every_s=0.05,
        )
        time.sleep(1.0)
        worker.kill()
        started = time.monotonic()
    finally:
        sim.set_faults(method_latency_ms={})
    # The only worker is gone: the pulse stops, and the screen sees its feed go quiet.
    wait_until(lambda: not screen.live(), 30, "the screen to notice the feed stopped")
    shown = time.monotonic() - started
    worker.start()
    wait_until(lambda: screen.live(), 60, "the screen live again after the worker restart")
    entry.refresh_from_db()
    report.phase("worker killed mid-write", entry=entry.pk, screen_stale_after_s=round(shown, 1))


def kill_daphne(report, web, screen) -> None:
    connects = screen.snapshot().connects
    resyncs = screen.snapshot().resyncs
    web.kill()
    wait_until(lambda: not screen.snapshot().connected, 10, "the screen to see the socket drop")
    assert web.readiness() is None  # nothing answers where the health page was
    down_at = time.monotonic()
    time.sleep(2)
    web.start()
    # Reconnected, took the server's sequence number as its baseline and refetched its snapshot.
    wait_until(
        lambda: (state := screen.snapshot()).connects > connects and state.resyncs > resyncs and screen.live(),
        60,
        "the screen to reconnect and resync",
    )
    state = screen.snapshot()
    report.phase("daphne killed", back_live_after_s=round(time.monotonic() - down_at, 1), resyncs=state.resyncs)


def restart_redis(report, redis, web, worker, screen) -> None:
    redis.kill()
    down_at = time.monotonic()
    shown = wait_until(
        lambda: (ready := web.readiness()) and not ready["checks"]["redis"]["ok"] and ready,
        30,
        "health to show Redis down",
    )
    before = screen.snapshot()
    time.sleep(max(0.0, SHORT_OUTAGE_S - (time.monotonic() - down_at)))
    redis.start()
    back_at = time.monotonic()
    wait_until(lambda: (ready := web.readiness()) and ready["ready"], 60, "health to show Redis back")
    # Redis forgot every counter: the next numbers jump ahead, the screen sees a gap and resyncs.
    wait_until(lambda: screen.live() and screen.snapshot().resyncs > before.resyncs, 60, "the screen to resync")
    after = screen.snapshot()
    report.phase(
        "redis restarted",
        health_said=shown["checks"]["redis"]["error"],
        down_s=round(back_at - down_at, 1),
        live_again_after_s=round(time.monotonic() - back_at, 1),
        screen_reconnected=after.connects > before.connects,
        screen_gaps=after.gaps - before.gaps,
    )


def drop_postgresql_connections(report, web, screen) -> None:
    refuse_database_connections(True)
    dropped = drop_database_connections()
    down_at = time.monotonic()
    try:
        shown = wait_until(
            lambda: (ready := web.readiness()) and not ready["checks"]["database"]["ok"] and ready,
            30,
            "health to show the database down",
        )
        time.sleep(max(0.0, SHORT_OUTAGE_S - (time.monotonic() - down_at)))
    finally:
        refuse_database_connections(False)
    back_at = time.monotonic()
    wait_until(lambda: (ready := web.readiness()) and ready["ready"], 60, "health to show the database back")
    wait_until(lambda: screen.live(), 60, "the screen live again after the database outage")
    report.phase(
        "postgresql connections dropped and refused",
        connections_dropped=dropped,
        health_said=shown["checks"]["database"]["error"],
        down_s=round(back_at - down_at, 1),
        live_again_after_s=round(time.monotonic() - back_at, 1),
    )


def take_odoo_down(report, sim, web, screen) -> None:
    sim.set_faults(down_for_seconds=OUTAGE_S, down_mode="refuse")
    down_at = time.monotonic()
    shown = wait_until(
        lambda: (ready := web.readiness()) and not ready["checks"]["odoo"]["ok"] and ready,
        OUTAGE_S + 10,
        "health to show Odoo down",
    )
    assert shown["ready"] and shown["degraded"]  # screens keep serving while Odoo is away
    backlog_during = OutboxEntry.objects.filter(status__in=[Status.PENDING, Status.RUNNING]).count()
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
    sim.set_faults(latency_ms=400, error_rate={"*": 0.3}, error_mode="server_error")
    time.sleep(max(OUTAGE_S / 2, 5))
    sim.reset_faults()
    wait_until(lambda: (ready := web.readiness()) and ready["checks"]["odoo"]["ok"], 60, "health to show Odoo back")
    wait_until(lambda: screen.live(), 30, "the screen live after the Odoo outage")
    report.phase(
        "odoo down then slow and failing 30%",
        outage_s=OUTAGE_S,
        outbox_backlog_during=backlog_during,
        health_said=shown["checks"]["odoo"].get("error"),
    )


def diagnose(desk: FloorAndDesk) -> dict:
    counted = desk.snapshot().counted
    requests = ApprovalRequest.objects.filter(odoo_model="stock.quant", odoo_id__in=counted)
    return {
        "requests": list(requests.values_list("pk", "odoo_id", "status", "request_type")),
        "outbox": list(OutboxEntry.objects.values_list("pk", "cause_id", "status", "attempts", "last_error")),
        "quants in odoo": sim_quants(desk),
        "quants in the mirror": list(
            Quant.objects.filter(odoo_id__in=counted).values_list(
                "odoo_id", "quantity", "inventory_quantity", "inventory_quantity_set", "odoo_write_date"
            )
        ),
        "quant sync": list(
            SyncState.objects.filter(odoo_model="stock.quant").values(
                "cursor", "last_success_at", "last_error", "consecutive_failures"
            )
        ),
    }


def no_write_back(missing: set[int], approved: dict[int, int]) -> str:
    """What a person needs to see why an approved request wrote nothing: the request (an 'applied in
    Odoo' one has a move in its key), its quant's outbox entries with their attempts and effects, and
    the quant's inventory moves as mirrored."""
    quants = {approved[pk] for pk in missing}
    inventory = Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True)
    report = {
        "requests without an entry": list(
            ApprovalRequest.objects.filter(pk__in=missing).values(
                "pk", "odoo_id", "dedupe_key", "raised_by_rule", "effect", "created_at", "decided_at"
            )
        ),
        "entries of those quants": [
            {
                "entry": entry.pk,
                "cause": entry.cause_id,
                "status": entry.status,
                "write_started_at": entry.write_started_at,
                "finished_at": entry.finished_at,
                "attempts": list(entry.attempt_log.values_list("number", "outcome", "message", "started_at")),
                "effects": list(entry.effects.values_list("odoo_model", "odoo_id", "write_date", "created")),
            }
            for entry in OutboxEntry.objects.filter(odoo_model="stock.quant", odoo_id__in=quants)
        ],
        "inventory moves in the mirror": list(
            Move.objects.filter(product_id__in=Quant.objects.filter(odoo_id__in=quants).values("product_id"))
            .filter(Q(location_id__in=inventory) | Q(location_dest_id__in=inventory))
            .values_list("odoo_id", "product_id", "quantity", "date", "odoo_write_date")
        ),
    }
    return "an approved request has no write-back: " + json.dumps(report, default=str, indent=1)


def sim_quants(desk: FloorAndDesk) -> list:
    counted = list(desk.snapshot().counted)
    fields = ["quantity", "inventory_quantity", "inventory_quantity_set", "write_date"]
    return desk.sim.call("stock.quant", "read", counted, fields)


# --- what "settled" means -------------------------------------------------------------------------


def all_counts_raised(desk: FloorAndDesk) -> bool:
    counted = desk.snapshot().counted
    raised = ApprovalRequest.objects.filter(
        request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_model="stock.quant", odoo_id__in=counted
    )
    return raised.values("odoo_id").distinct().count() == len(counted)


def all_decided(desk: FloorAndDesk) -> bool:
    counted = desk.snapshot().counted
    return not ApprovalRequest.objects.filter(
        request_type=RequestType.INVENTORY_ADJUSTMENT,
        odoo_model="stock.quant",
        odoo_id__in=counted,
        status=RequestStatus.PENDING,
    ).exists()


def outbox_settled() -> bool:
    return not OutboxEntry.objects.filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING)).exists()


def all_synced_since(epoch_s: float) -> bool:
    from datetime import UTC, datetime

    since = datetime.fromtimestamp(epoch_s, tz=UTC)
    return SyncState.objects.filter(odoo_model__in=SYNC_ORDER, last_success_at__gte=since).count() == len(SYNC_ORDER)
