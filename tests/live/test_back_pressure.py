"""A screen that stops reading never slows the others, and catches up on the newest state.

Through a real Daphne and the real Redis channel layer: one client stops reading (its socket
fills up), another keeps reading, while a tile changes 150 times and a few toasts go out.
"""

import asyncio
import json
import socket

import pytest
import websockets

from apps.live.publisher import send_now
from tests.live.test_consumer import session_cookie, ws_url

pytestmark = pytest.mark.django_db(transaction=True)

TILE = "tile-ships_next-BRU"
CHANGES = 150
BIG_TILE = "x" * 30_000  # a rich tile: the stalled client's buffers fill after a few of these


@pytest.fixture
def supervisor_cookie(supervisor) -> str:
    return session_cookie(supervisor)


def burst() -> tuple[list[int], list[int]]:
    """A tile changing CHANGES times, a toast after every 50th change; returns their seq numbers."""
    tiles, toasts = [], []
    for number in range(1, CHANGES + 1):
        send_now(
            "site.BRU", "tile", {"n": number}, html=f"<section id='{TILE}'>{number}{BIG_TILE}</section>", target=TILE
        )
        tiles.append(number)
        if number % 50 == 0:
            send_now("site.BRU", "approval.changed", {"n": number})
            toasts.append(number)
    return tiles, toasts


def tight_socket(port: int) -> socket.socket:
    """A client socket with a small receive buffer, so not reading shows at the server quickly."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


async def subscribe(client) -> int:
    await client.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
    subscribed = json.loads(await asyncio.wait_for(client.recv(), 5))
    assert subscribed["type"] == "subscribed"
    return subscribed["seq"]


async def read_to_the_end(client, timeout_s: float = 20) -> list[dict]:
    """Until the last toast, which goes out after the last tile."""
    messages: list[dict] = []
    while not messages or messages[-1] != {**messages[-1], "event": "approval.changed", "data": {"n": CHANGES}}:
        messages.append(json.loads(await asyncio.wait_for(client.recv(), timeout_s)))
    return messages


def assert_no_unexplained_gap(baseline: int, messages: list[dict]) -> None:
    """What live.js checks: each message follows the previous, or names the one it follows."""
    last = baseline
    for message in messages:
        assert message["seq"] > last
        assert message.get("after", message["seq"] - 1) <= last, (last, message["seq"], message.get("after"))
        last = message["seq"]


async def test_a_stalled_screen_does_not_hold_up_the_others_and_gets_the_newest_tile(web_server, supervisor_cookie):
    cookie = {"Cookie": supervisor_cookie}
    async with (
        websockets.connect(
            ws_url(web_server), additional_headers=cookie, origin=web_server.url, max_queue=None
        ) as reader,
        websockets.connect(
            ws_url(web_server),
            additional_headers=cookie,
            origin=web_server.url,
            sock=tight_socket(web_server.port),
            max_queue=1,  # the library stops reading the socket once a frame waits unread
        ) as stalled,
    ):
        reader_baseline = await subscribe(reader)
        stalled_baseline = await subscribe(stalled)

        reading = asyncio.ensure_future(read_to_the_end(reader))
        await asyncio.to_thread(burst)
        # The reading screen gets to the newest tile while the other one is still not reading.
        read = await reading
        assert [m["data"]["n"] for m in read if m["event"] == "approval.changed"] == [50, 100, 150]
        assert_no_unexplained_gap(reader_baseline, read)

        caught_up = await read_to_the_end(stalled)

    tiles = [m for m in caught_up if m["event"] == "tile"]
    toasts = [m["data"]["n"] for m in caught_up if m["event"] == "approval.changed"]
    assert toasts == [50, 100, 150]  # events are never conflated
    assert tiles[-1]["data"] == {"n": CHANGES}  # the newest state always arrives
    assert len(tiles) < CHANGES / 2  # the history in between mostly did not
    shown = [m["data"]["n"] for m in tiles]
    assert shown == sorted(shown)  # never an older state after a newer one
    assert_no_unexplained_gap(stalled_baseline, caught_up)  # conflation costs the screen no refetch
