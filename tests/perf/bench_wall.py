"""Fan-out benchmark (issue 8): 500 websocket clients watch one site while 50 changes per second
are published for 60 s. Reports delivery latency (p50, p99), lost messages, clients left stale,
and the web process's memory before and after."""

import asyncio
import json
import statistics
import threading
import time

import websockets
from django.test import Client

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.live.publisher import send_now
from apps.sites.models import Site
from tests.servers import daphne, free_port

CLIENTS = 500
RATE_PER_S = 50
DURATION_S = 60
GROUP = "site.FAN"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Watcher:
    def __init__(self):
        self.latencies: list[float] = []
        self.seqs: set[int] = set()
        self.first_seq: int | None = None
        self.last_at = 0.0


async def watch(url: str, cookie: str, origin: str, watcher: Watcher, ready: asyncio.Event, done: asyncio.Event):
    async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=origin, max_queue=None) as ws:
        await ws.send(json.dumps({"action": "subscribe", "groups": [GROUP]}))
        subscribed = json.loads(await ws.recv())
        watcher.first_seq = subscribed["seq"] + 1
        ready.set()
        while not done.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 1)
            except TimeoutError:
                continue
            message = json.loads(raw)
            if message.get("type") != "event":
                continue
            watcher.latencies.append(time.time() * 1000 - message["data"]["sent_ms"])
            watcher.seqs.add(message["seq"])
            watcher.last_at = time.monotonic()


def publish_changes(sent: list[int], stop: threading.Event) -> None:
    interval = 1 / RATE_PER_S
    next_at = time.monotonic()
    deadline = next_at + DURATION_S
    while time.monotonic() < deadline and not stop.is_set():
        send_now(GROUP, "tile", {"sent_ms": time.time() * 1000}, html="<section id='t'>x</section>", target="t")
        sent.append(1)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


async def run_clients(port: int, cookie: str) -> tuple[list[Watcher], int, float]:
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
    sent: list[int] = []
    stop = threading.Event()
    publisher = threading.Thread(target=publish_changes, args=(sent, stop))
    started = time.monotonic()
    publisher.start()
    await asyncio.to_thread(publisher.join)
    await asyncio.sleep(5)  # let the last messages arrive
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return watchers, len(sent), started


def run() -> dict:
    site, _ = Site.objects.get_or_create(code="FAN", defaults={"name": "Fan-out DC"})
    viewer = user_upsert(username="fanout.viewer", password="fanout-password-1", roles=[Role.DISPLAY], sites=[site])
    client = Client()
    client.force_login(viewer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    web = daphne(port).start()
    try:
        rss_before = rss_mb(web.process.pid)
        watchers, sent, started = asyncio.run(run_clients(port, cookie))
        rss_after = rss_mb(web.process.pid)
    finally:
        web.stop()
    latencies = [latency for watcher in watchers for latency in watcher.latencies]
    lost = sum(sent - len(watcher.seqs) for watcher in watchers)
    end = started + DURATION_S
    stale = sum(1 for watcher in watchers if watcher.last_at < end - 2)
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"  {CLIENTS} clients, {sent} changes in {DURATION_S} s: p50 {quantiles[49]:.0f} ms, p99 {quantiles[98]:.0f} ms"
    )
    print(f"  lost {lost}, stale clients {stale}, web RSS {rss_before:.0f} → {rss_after:.0f} MB", flush=True)
    return {
        "ws_fanout_p50_ms": {"value": round(quantiles[49]), "unit": "ms", "goal": ""},
        "ws_fanout_p99_ms": {"value": round(quantiles[98]), "unit": "ms", "goal": "< 1000"},
        "ws_lost_messages": {"value": lost, "unit": "msgs", "goal": "0"},
        "ws_stale_clients": {"value": stale, "unit": "clients", "goal": "0"},
        "ws_server_rss_growth_mb": {"value": round(rss_after - rss_before), "unit": "MB", "goal": "stable"},
    }
