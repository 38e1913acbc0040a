"""A screen that follows live groups the way static/js/live.js does, in a thread of the test.

It connects, subscribes, takes the server's sequence number as its baseline on every
(re)subscription and resyncs then, applies events in order, resyncs on a gap, reconnects with
backoff when the socket closes, and closes a socket that has been silent for longer than the stale
threshold (so it subscribes again). The test reads what it lived through.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field

import websockets


@dataclass
class Applied:
    at: float
    group: str
    seq: int
    event: str
    data: dict


@dataclass
class ScreenState:
    connected: bool = False
    connects: int = 0
    resyncs: int = 0
    gaps: int = 0
    last_message_at: float = 0.0
    seqs: dict[str, int] = field(default_factory=dict)
    applied: list[Applied] = field(default_factory=list)
    disconnected_at: list[float] = field(default_factory=list)
    longest_silence_s: float = 0.0


class Screen:
    def __init__(self, ws_url: str, origin: str, cookie: str, groups: list[str], stale_after_s: float = 4.0):
        self.ws_url, self.origin, self.cookie, self.groups = ws_url, origin, cookie, groups
        self.stale_after_s = stale_after_s
        self.state = ScreenState()
        self._connected_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True, name="fault-screen")

    def start(self) -> Screen:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    # --- what the test reads ----------------------------------------------------------------
    def live(self, within_s: float = 2.5) -> bool:
        """Connected and heard from recently: the badge says "live"."""
        with self._lock:
            return self.state.connected and time.monotonic() - self.state.last_message_at < within_s

    def events(self, name: str | None = None, since: float = 0.0) -> list[Applied]:
        with self._lock:
            return [a for a in self.state.applied if a.at >= since and (name is None or a.event == name)]

    def snapshot(self) -> ScreenState:
        with self._lock:
            return ScreenState(
                self.state.connected,
                self.state.connects,
                self.state.resyncs,
                self.state.gaps,
                self.state.last_message_at,
                dict(self.state.seqs),
                list(self.state.applied),
                list(self.state.disconnected_at),
                self.state.longest_silence_s,
            )

    # --- the client ---------------------------------------------------------------------------
    async def _run(self) -> None:
        attempts = 0
        while not self._stop.is_set():
            try:
                async with websockets.connect(
                    self.ws_url, additional_headers={"Cookie": self.cookie}, origin=self.origin, open_timeout=5
                ) as socket:
                    attempts = 0
                    with self._lock:
                        self.state.connected = True
                        self.state.connects += 1
                    self._connected_at = time.monotonic()
                    await socket.send(json.dumps({"action": "subscribe", "groups": self.groups}))
                    await self._follow(socket)
            except (TimeoutError, OSError, websockets.WebSocketException):
                pass
            with self._lock:
                if self.state.connected:
                    self.state.disconnected_at.append(time.monotonic())
                self.state.connected = False
            attempts += 1
            await asyncio.sleep(min(2.0, 0.25 * 2 ** (attempts - 1)))  # live.js backs off the same way, longer

    async def _follow(self, socket) -> None:
        while not self._stop.is_set():
            try:
                text = await asyncio.wait_for(socket.recv(), 0.5)
            except TimeoutError:
                with self._lock:
                    silent = time.monotonic() - max(self.state.last_message_at, self._connected_at)
                    self.state.longest_silence_s = max(self.state.longest_silence_s, silent)
                if silent > self.stale_after_s:
                    await socket.close()  # live.js: a silent socket is closed and subscribed again
                    return
                continue
            self._handle(json.loads(text))

    def _handle(self, message: dict) -> None:
        now = time.monotonic()
        with self._lock:
            state = self.state
            state.longest_silence_s = max(state.longest_silence_s, now - state.last_message_at)
            group = message.get("group", "")
            if message.get("type") == "subscribed":
                state.seqs[group] = message["seq"]
                state.last_message_at = now
                state.resyncs += 1
            elif message.get("type") == "event":
                last = state.seqs.get(group)
                if last is not None and message["seq"] <= last:
                    return  # a duplicate or an old message: ignored, as live.js does
                state.seqs[group] = message["seq"]
                state.last_message_at = now
                if last is not None and message["seq"] != last + 1:
                    state.gaps += 1
                    state.resyncs += 1  # the page refetches its snapshots
                    return
                state.applied.append(Applied(now, group, message["seq"], message["event"], message.get("data") or {}))
