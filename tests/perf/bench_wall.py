"""Fan-out benchmark: 500 websocket clients watch one site while its transfers change 50
times per second for 60 s, through the product's own path: change → tile refresh request
(coalesced) → a Celery worker renders the tile once → one publish → every screen.

The scenario runs twice: on the machine as it is, then with a CPU-bound process pinned busy on one
core for the whole run (tests/perf/contention.py). The load average goes with each figure.

Latency of a change: from the change to the first tile a client receives that was rendered after
it. Lost: clients whose final tile is not the server's final tile (the last one published).
Conflated ratio: tiles a screen never received because a newer one replaced them while queued,
over tiles produced × screens. Stale clients: clients whose last tile does not show the final state.

Where the time goes (printed, not recorded): change → render starts (coalescing window, Celery),
render → publish, publish → screen (Redis, Daphne's event loop, the socket, the client), and the
CPU seconds each process used. BENCH_PROFILE=1 also runs Daphne under cProfile and prints its top
functions.
"""

import asyncio
import bisect
import json
import os
import random
import statistics
import threading
import time
from collections.abc import Callable

import websockets
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.core.redis import get_redis
from apps.live.publisher import current_sequence
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking, PickingType, Warehouse
from apps.sites.models import Site
from apps.wall.refresh import refresh_tiles_for_changes
from tests.perf.contention import load_average, pinned_busy_core
from tests.perf.profiled_serve import print_profile, profiled_daphne
from tests.servers import celery_worker, daphne, free_port

CLIENTS = 500
RATE_PER_S = 50
DURATION_S = 60
SITE = "FAN"
GROUP = f"site.{SITE}"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Watcher:
    def __init__(self):
        self.rendered: list[float] = []  # rendered_at of each tile received, in order
        self.received: list[float] = []  # when it arrived
        self.seqs: list[int] = []
        self.sent: list[float] = []  # when the server published it


async def watch(
    url: str,
    cookie: str,
    origin: str,
    watcher: Watcher,
    ready: asyncio.Event,
    done: asyncio.Event,
    handshakes: asyncio.Semaphore,
):
    # Screens come up a few at a time (on a loaded machine a crowd of handshakes can miss Daphne's
    # 5 s to accept); one that fails retries, as live.js does. Connecting is not what is measured.
    async with handshakes:
        for attempt in range(10):
            try:
                # max_queue: a screen takes frames off the socket only as fast as it can show them (the
                # library stops reading past 16 waiting), so a client starved of CPU pushes back on the
                # server like a slow TV would, instead of hoarding every frame in its own memory.
                ws = await websockets.connect(
                    url, additional_headers={"Cookie": cookie}, origin=origin, max_queue=16, open_timeout=60
                )
                break
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                await asyncio.sleep(random.uniform(1, 2**attempt))  # backoff with jitter
        else:
            ready.set()  # never connected: counted as lost
            return
        await ws.send(json.dumps({"action": "subscribe", "groups": [GROUP]}))
        json.loads(await ws.recv())
    async with ws:
        ready.set()
        while not done.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 1)
            except TimeoutError:
                continue
            message = json.loads(raw)
            if message.get("event") != "tile":
                continue
            watcher.received.append(time.time() * 1000)
            watcher.rendered.append(message["data"]["rendered_at_ms"])
            watcher.seqs.append(message["seq"])
            watcher.sent.append(parse_datetime(message["sent_at"]).timestamp() * 1000)


def make_changes(picking_ids: list[int], changed_at: list[float]) -> None:
    """50 transfer changes per second, each handed to the wall like a committed sync page."""
    interval = 1 / RATE_PER_S
    next_at = time.monotonic()
    deadline = next_at + DURATION_S
    number = 0
    while time.monotonic() < deadline:
        picking_id = picking_ids[number % len(picking_ids)]
        Picking.objects.filter(odoo_id=picking_id).update(origin=f"change {number}", synced_at=timezone.now())
        changed_at.append(time.time() * 1000)
        refresh_tiles_for_changes(ChangeSet("stock.picking", updated={picking_id: ["origin"]}))
        number += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


async def run_clients(
    port: int, cookie: str, picking_ids: list[int], on_ready: Callable[[], None]
) -> tuple[list[Watcher], list[float]]:
    url, origin = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
    done = asyncio.Event()
    handshakes = asyncio.Semaphore(10)
    watchers, readies, tasks = [], [], []
    for _ in range(CLIENTS):
        watcher, ready = Watcher(), asyncio.Event()
        watchers.append(watcher)
        readies.append(ready)
        tasks.append(asyncio.create_task(watch(url, cookie, origin, watcher, ready, done, handshakes)))
        await asyncio.sleep(0.002)
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), 240)
    on_ready()  # every screen connected: what follows is the fan-out alone
    changed_at: list[float] = []
    changer = threading.Thread(target=make_changes, args=(picking_ids, changed_at))
    changer.start()
    await asyncio.to_thread(changer.join)
    # The last render and its delivery: until every screen has the last tile published, at most 60 s.
    last_seen = -1
    for _ in range(60):
        await asyncio.sleep(1)
        final_seq = await asyncio.to_thread(current_sequence, GROUP)
        settled = final_seq == last_seen  # no render in the last second
        if settled and all(watcher.seqs and watcher.seqs[-1] >= final_seq for watcher in watchers):
            break
        last_seen = final_seq
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return watchers, changed_at


def fan_out_site() -> list[int]:
    Site.objects.get_or_create(code=SITE, defaults={"name": "Fan-out DC"})
    now = timezone.now()
    warehouse, _ = Warehouse.objects.get_or_create(
        odoo_id=990001, defaults={"code": SITE, "name": SITE, "synced_at": now}
    )
    PickingType.objects.get_or_create(
        odoo_id=990002,
        defaults={"name": "Deliveries", "code": "outgoing", "warehouse_id": warehouse.odoo_id, "synced_at": now},
    )
    ids = []
    for number in range(20):
        picking, _ = Picking.objects.get_or_create(
            odoo_id=990100 + number,
            defaults={"name": f"{SITE}/OUT/{number:05d}", "state": "confirmed", "picking_type_id": 990002,
                      "picking_type_code": "outgoing", "scheduled_date": now, "synced_at": now},
        )  # fmt: skip
        ids.append(picking.odoo_id)
    return ids


def redis_cpu_seconds() -> float:
    info = get_redis().info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def scenario(contended: bool) -> dict:
    """One run of 500 screens; the figures and where the time went."""
    picking_ids = fan_out_site()
    site = Site.objects.get(code=SITE)
    viewer = user_upsert(username="fanout.viewer", password="fanout-password-1", roles=[Role.DISPLAY], sites=[site])
    client = Client()
    client.force_login(viewer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    profile = os.environ.get("BENCH_PROFILE") == "1"
    web = (profiled_daphne(port) if profile else daphne(port)).start()
    worker = celery_worker().start()
    load_before = load_average()
    try:
        time.sleep(3)  # the worker connects to the broker
        rss_before = rss_mb(web.process.pid)
        first_seq = current_sequence(GROUP)
        cpu_before: list = []

        def count_from_here() -> None:
            cpu_before.extend(
                (cpu_seconds(web.process.pid), cpu_seconds(worker.process.pid), redis_cpu_seconds(), os.times())
            )

        if contended:
            with pinned_busy_core():
                watchers, changed_at = asyncio.run(run_clients(port, cookie, picking_ids, count_from_here))
        else:
            watchers, changed_at = asyncio.run(run_clients(port, cookie, picking_ids, count_from_here))
        cpu_after = (cpu_seconds(web.process.pid), cpu_seconds(worker.process.pid), redis_cpu_seconds(), os.times())
        final_seq = current_sequence(GROUP)
        rss_after = rss_mb(web.process.pid)
    finally:
        worker.stop()
        web.stop()
    load_after = load_average()
    if profile:
        print_profile(web)
    produced = final_seq - first_seq
    latencies, lost, stale, received = [], 0, 0, 0
    to_render, to_publish, to_screen = [], [], []
    last_change = changed_at[-1]
    for watcher in watchers:
        lost += not watcher.seqs or watcher.seqs[-1] != final_seq
        stale += not watcher.rendered or watcher.rendered[-1] < last_change
        received += len(watcher.seqs)
        for change in changed_at[::10]:  # every tenth change, for every client
            index = bisect.bisect_left(watcher.rendered, change)
            if index < len(watcher.rendered):
                latencies.append(watcher.received[index] - change)
                to_render.append(watcher.rendered[index] - change)
                to_publish.append(watcher.sent[index] - watcher.rendered[index])
                to_screen.append(watcher.received[index] - watcher.sent[index])
    quantiles = statistics.quantiles(latencies, n=100)
    conflated_ratio = 1 - received / (produced * CLIENTS) if produced else 0.0
    messages = statistics.mean(len(watcher.seqs) for watcher in watchers)
    label = "contended (one core pinned busy)" if contended else "idle"
    print(f"  [{label}] load average {load_before} before, {load_after} after (1 min/5 min)")
    print(f"  {CLIENTS} clients, {len(changed_at)} changes in {DURATION_S} s, {produced} tiles published,"
          f" {messages:.0f} received per client (conflated {conflated_ratio:.1%})")  # fmt: skip
    print(f"  change to screen: p50 {quantiles[49]:.0f} ms, p99 {quantiles[98]:.0f} ms")
    for name, samples in (("change → render", to_render), ("render → publish", to_publish),
                          ("publish → screen", to_screen)):  # fmt: skip
        parts = statistics.quantiles(samples, n=100)
        print(f"    {name:<17} p50 {parts[49]:6.0f} ms  p99 {parts[98]:6.0f} ms")
    web_cpu, worker_cpu, redis_cpu = (
        after - before for before, after in zip(cpu_before[:3], cpu_after[:3], strict=True)
    )
    bench_cpu = sum(cpu_after[3][:2]) - sum(cpu_before[3][:2])
    frames = sum(len(watcher.seqs) for watcher in watchers)
    print(f"    CPU s after every screen connected: Daphne {web_cpu:.1f} ({1000 * web_cpu / max(frames, 1):.2f} ms"
          f" per frame delivered), Celery worker {worker_cpu:.1f}, Redis {redis_cpu:.1f},"
          f" benchmark clients + changer {bench_cpu:.1f}")  # fmt: skip
    print(f"  lost {lost}, stale clients {stale}, web RSS {rss_before:.0f} → {rss_after:.0f} MB", flush=True)
    return {
        "p50": round(quantiles[49]),
        "p99": round(quantiles[98]),
        "lost": lost,
        "stale": stale,
        "conflated": round(conflated_ratio, 3),
        "rss": round(rss_after - rss_before),
        "load": f"{load_before} → {load_after}",
    }


def run() -> dict:
    idle = scenario(contended=False)
    contended = scenario(contended=True)
    load = f"load average {idle['load']} idle run, {contended['load']} contended run"
    return {
        "ws_fanout_p50_ms": {"value": idle["p50"], "unit": "ms", "goal": ""},
        "ws_fanout_p99_ms": {"value": idle["p99"], "unit": "ms", "goal": "<= 500", "note": load},
        "ws_fanout_p50_contended_ms": {"value": contended["p50"], "unit": "ms", "goal": ""},
        "ws_fanout_p99_contended_ms": {"value": contended["p99"], "unit": "ms", "goal": "<= 1000", "note": load},
        "ws_conflated_ratio": {
            "value": contended["conflated"],
            "unit": "ratio",
            "goal": "",
            "note": f"idle run {idle['conflated']}",
        },
        "ws_lost_messages": {"value": idle["lost"] + contended["lost"], "unit": "clients", "goal": "0"},
        "ws_stale_clients": {"value": idle["stale"] + contended["stale"], "unit": "clients", "goal": "0"},
        "ws_server_rss_growth_mb": {
            "value": max(idle["rss"], contended["rss"]),
            "unit": "MB",
            "goal": "stable",
        },
    }
