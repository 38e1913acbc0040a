"""Fan-out benchmark: 500 websocket clients watch one site while its transfers change 50
times per second for 60 s, through the product's own path: change → tile refresh request
(coalesced) → a Celery worker renders the tile once → one publish → every screen.

Latency of a change: from the change to the first tile a client receives that was rendered after
it. Lost messages: gaps in a client's sequence numbers (what a screen would have to repair by a
snapshot). Stale clients: clients whose last tile does not show the final state."""

import asyncio
import bisect
import json
import statistics
import threading
import time

import websockets
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking, PickingType, Warehouse
from apps.sites.models import Site
from apps.wall.refresh import refresh_tiles_for_changes
from tests.servers import celery_worker, daphne, free_port

CLIENTS = 500
RATE_PER_S = 50
DURATION_S = 60
SITE = "FAN"
GROUP = f"site.{SITE}"


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


async def watch(url: str, cookie: str, origin: str, watcher: Watcher, ready: asyncio.Event, done: asyncio.Event):
    async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=origin, max_queue=None) as ws:
        await ws.send(json.dumps({"action": "subscribe", "groups": [GROUP]}))
        json.loads(await ws.recv())
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


async def run_clients(port: int, cookie: str, picking_ids: list[int]) -> tuple[list[Watcher], list[float]]:
    url, origin = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
    done = asyncio.Event()
    watchers, readies, tasks = [], [], []
    for _ in range(CLIENTS):
        watcher, ready = Watcher(), asyncio.Event()
        watchers.append(watcher)
        readies.append(ready)
        tasks.append(asyncio.create_task(watch(url, cookie, origin, watcher, ready, done)))
        await asyncio.sleep(0.002)  # a realistic ramp, not a thundering herd
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), 120)
    changed_at: list[float] = []
    changer = threading.Thread(target=make_changes, args=(picking_ids, changed_at))
    changer.start()
    await asyncio.to_thread(changer.join)
    await asyncio.sleep(5)  # the last render and delivery
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


def run() -> dict:
    picking_ids = fan_out_site()
    site = Site.objects.get(code=SITE)
    viewer = user_upsert(username="fanout.viewer", password="fanout-password-1", roles=[Role.DISPLAY], sites=[site])
    client = Client()
    client.force_login(viewer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    web, worker = daphne(port).start(), celery_worker().start()
    try:
        time.sleep(3)  # the worker connects to the broker
        rss_before = rss_mb(web.process.pid)
        watchers, changed_at = asyncio.run(run_clients(port, cookie, picking_ids))
        rss_after = rss_mb(web.process.pid)
    finally:
        worker.stop()
        web.stop()
    latencies, lost, stale = [], 0, 0
    last_change = changed_at[-1]
    for watcher in watchers:
        lost += sum(later - earlier - 1 for earlier, later in zip(watcher.seqs, watcher.seqs[1:], strict=False))
        stale += not watcher.rendered or watcher.rendered[-1] < last_change
        for change in changed_at[::10]:  # every tenth change, for every client
            index = bisect.bisect_left(watcher.rendered, change)
            if index < len(watcher.rendered):
                latencies.append(watcher.received[index] - change)
    quantiles = statistics.quantiles(latencies, n=100)
    messages = statistics.mean(len(watcher.seqs) for watcher in watchers)
    print(f"  {CLIENTS} clients, {len(changed_at)} changes in {DURATION_S} s, {messages:.0f} tiles per client")
    print(f"  change to screen: p50 {quantiles[49]:.0f} ms, p99 {quantiles[98]:.0f} ms")
    print(f"  lost {lost}, stale clients {stale}, web RSS {rss_before:.0f} → {rss_after:.0f} MB", flush=True)
    return {
        "ws_fanout_p50_ms": {"value": round(quantiles[49]), "unit": "ms", "goal": ""},
        "ws_fanout_p99_ms": {"value": round(quantiles[98]), "unit": "ms", "goal": "< 1000"},
        "ws_lost_messages": {"value": lost, "unit": "msgs", "goal": "0"},
        "ws_stale_clients": {"value": stale, "unit": "clients", "goal": "0"},
        "ws_server_rss_growth_mb": {"value": round(rss_after - rss_before), "unit": "MB", "goal": "stable"},
    }
