"""Sync benchmarks: initial load at scale, incremental catch-up, webhook to screen.

Initial load: the simulator at --scale 200 (about 50k pickings, 200k moves, 40k quants; BENCH_SYNC_SCALE
sets a smaller one on a shared machine) in its own process, after a bulk write that stamps every move
with one write_date (thousands of rows in one second, as an import or a mass update does). The same
rows are read once by ONE plain `search_read` per model (the yardstick: Odoo and the wire at best)
and once by the real sync into the database, each in a fresh worker process whose peak memory is
recorded. `sync_overhead_ratio` = sync time ÷ plain search_read time; `sync_rows_read_ratio` = rows
the simulator served with their data during the sync ÷ rows synced (1.0: each row read once).
Each run starts from an empty mirror (a full sync builds it), on SQLite and on a kept PostgreSQL
database alike. `sync_write_only_ratio` (no goal) is what writing alone costs: the same rows, already
read, upserted into an empty mirror by the sync's own statements, ÷ the plain search_read time: the
floor of the sync's overhead when nothing else runs while it writes (no free core to overlap with).
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

import websockets
from django.conf import settings
from django.test import Client

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.mirror.models import Picking, SyncState
from apps.mirror.selectors import warehouse_site_codes
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SPECS, SYNC_ORDER
from apps.odoo.client import get_client, reset_client
from apps.sites.models import Site
from tests.servers import ROOT, ServerProcess, celery_worker, child_env, daphne, free_port

BIG_MODELS = ["stock.picking", "stock.move", "stock.quant"]
SCALE = int(os.environ.get("BENCH_SYNC_SCALE", "200"))
WEBHOOK_CHANGES = 200


def simulator(port: int, *, scale: int, webhook_url: str | None = None) -> ServerProcess:
    argv = [sys.executable, "manage.py", "odoo_simulator", "--port", str(port), "--scale", str(scale), "--speed", "0"]
    if webhook_url:
        argv += ["--webhook-url", webhook_url]
    return ServerProcess(argv, child_env(), ready_url=f"http://127.0.0.1:{port}/web/webclient/version_info")


def point_at(odoo_url: str) -> dict[str, str]:
    settings.ODOO_URL = odoo_url
    settings.ODOO_DATABASE, settings.ODOO_LOGIN, settings.ODOO_PASSWORD = "demo", "admin", "admin"
    reset_client()
    return {"ODOO_URL": odoo_url, "ODOO_DATABASE": "demo", "ODOO_LOGIN": "admin", "ODOO_PASSWORD": "admin"}


def worker_run(mode: str, env: dict[str, str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "tests.perf.mirror_worker", mode, *BIG_MODELS],
        cwd=ROOT, env=child_env(**env), capture_output=True, text=True, check=True, timeout=3600,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def empty_mirror() -> None:
    for spec in SPECS.values():
        spec.model.objects.all().delete()
    SyncState.objects.all().delete()


def initial_load_and_incremental() -> dict:
    empty_mirror()  # a kept database (PostgreSQL) still holds the previous run's mirror and cursors
    port = free_port()
    print(f"  building the simulator at scale {SCALE} ...", flush=True)
    sim = simulator(port, scale=SCALE).start(timeout_s=600)
    try:
        env = point_at(f"http://127.0.0.1:{port}")
        every_move = get_client().search("stock.move", [])
        get_client().write("stock.move", every_move, {"origin": "bench bulk write"})  # one transaction: one second
        plain = worker_run("plain", env)
        print(f"  one plain search_read: {plain['rows']:,} rows in {plain['seconds']:.1f} s", flush=True)
        served = _rows_served(port)
        sync = worker_run("sync", env)
        read = _rows_served(port) - served
        print(
            f"  sync: {sync['rows']:,} rows in {sync['seconds']:.1f} s, {read:,} rows read from Odoo, "
            f"peak {sync['peak_rss_mb']:.0f} MB ({len(every_move):,} moves share one write_date)",
            flush=True,
        )

        moves = get_client().search("stock.move", [], limit=1000, order="id desc")
        get_client().write("stock.move", moves, {"origin": f"bench {time.time():.0f}"})
        started = time.perf_counter()
        result = sync_model("stock.move")
        incremental_s = time.perf_counter() - started
        assert result.ok and result.changed >= 1000, result
        print(f"  incremental: {result.changed:,} changed moves synced in {incremental_s:.2f} s", flush=True)
        write_only = worker_run("write", env)
        print(f"  writing alone: {write_only['rows']:,} rows upserted in {write_only['seconds']:.1f} s", flush=True)
    finally:
        sim.stop()
    return {
        "sync_overhead_ratio": {"value": round(sync["seconds"] / plain["seconds"], 2), "unit": "x", "goal": "<= 1.25"},
        "sync_write_only_ratio": {"value": round(write_only["seconds"] / plain["seconds"], 2), "unit": "x", "goal": ""},
        "sync_rows_read_ratio": {"value": round(read / max(sync["rows"], 1), 3), "unit": "x", "goal": "<= 1.05"},
        "sync_rows_per_s": {"value": round(sync["rows"] / sync["seconds"]), "unit": "rows/s", "goal": ""},
        "sync_worker_peak_rss_mb": {"value": round(sync["peak_rss_mb"]), "unit": "MB", "goal": "< 400"},
        "incremental_1000_s": {"value": round(incremental_s, 2), "unit": "s", "goal": "< 2"},
    }


def _rows_served(port: int) -> int:
    """Rows of the big models the simulator has served with their data (reads, search_reads)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__sim__/state", timeout=30) as response:
        served = json.loads(response.read())["rows_served"]
    return sum(served.get(model, 0) for model in BIG_MODELS)


def webhook_to_screen() -> dict:
    web_port, odoo_port = free_port(), free_port()
    hook = f"http://127.0.0.1:{web_port}/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/"
    sim = simulator(odoo_port, scale=1, webhook_url=hook).start(timeout_s=120)
    env = point_at(f"http://127.0.0.1:{odoo_port}")
    empty_mirror()  # forget the large simulator's records
    for odoo_model in SYNC_ORDER:
        sync_model(odoo_model)
    for code in ["BRU", "CHI", "SIN"]:
        Site.objects.get_or_create(code=code, defaults={"name": code})
    site = Site.objects.get(code="BRU")
    watcher = user_upsert(username="bench.watcher", password="bench-password-1", roles=[Role.SUPERVISOR], sites=[site])
    warehouses = [odoo_id for odoo_id, code in warehouse_site_codes().items() if code == "BRU"]
    picking_ids = list(
        Picking.objects.filter(picking_type__warehouse_id__in=warehouses).values_list("odoo_id", flat=True)[:50]
    )
    client = Client()
    client.force_login(watcher)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    web, worker = daphne(web_port, **env).start(), celery_worker(**env).start()
    try:
        time.sleep(3)  # the worker connects to the broker
        intake = _webhook_intake_ms(hook, picking_ids)
        latencies = asyncio.run(_measure(web_port, cookie, picking_ids))
    finally:
        worker.stop()
        web.stop()
        sim.stop()
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(f"  webhook to screen: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms", flush=True)
    intake_p95 = statistics.quantiles(intake, n=20)[18]
    print(f"  webhook intake: p50 {statistics.median(intake):.1f} ms, p95 {intake_p95:.1f} ms", flush=True)
    return {
        "webhook_to_screen_p95_ms": {"value": round(p95), "unit": "ms", "goal": "< 1000"},
        "webhook_intake_p95_ms": {"value": round(intake_p95, 1), "unit": "ms", "goal": "< 50"},
    }


def _webhook_intake_ms(hook_url: str, picking_ids: list[int]) -> list[float]:
    """How fast Odoo gets its answer (it waits at most 1 s): 200 distinct events over HTTP, distinct
    from an earlier run's too (a kept database would answer them as duplicates)."""
    timings = []
    run = time.time_ns()
    for number in range(200):
        picking_id = picking_ids[number % len(picking_ids)]
        stamp = f"{run}-{number}"
        body = json.dumps({"_action": "bench", "_id": picking_id, "_model": "stock.picking", "write_date": stamp})
        request = urllib.request.Request(hook_url, body.encode(), {"Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 202
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _measure(port: int, cookie: str, picking_ids: list[int]) -> list[float]:
    url = f"ws://127.0.0.1:{port}/ws/live/"
    latencies = []
    async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=f"http://127.0.0.1:{port}") as ws:
        await ws.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
        await ws.recv()
        for number in range(WEBHOOK_CHANGES):
            picking_id = picking_ids[number % len(picking_ids)]
            started = time.perf_counter()
            await asyncio.to_thread(get_client().write, "stock.picking", [picking_id], {"origin": f"bench {number}"})
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message.get("event") == "picking.changed" and picking_id in message["data"]["pickings"]:
                    break
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def run() -> dict:
    return {**initial_load_and_incremental(), **webhook_to_screen()}
