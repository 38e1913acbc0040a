"""The live endpoint through a real Daphne and the real Redis channel layer."""

import asyncio
import json

import pytest
import websockets
from django.test import Client

from apps.live.publisher import send_now
from apps.live.tasks import publish_pulse
from tests.servers import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def supervisor_cookie(supervisor) -> str:
    return session_cookie(supervisor)


def ws_url(server) -> str:
    return f"ws://127.0.0.1:{server.port}/ws/live/"


def connect(server, cookie: str | None, origin: str | None = None):
    headers = {"Cookie": cookie} if cookie else {}
    return websockets.connect(ws_url(server), additional_headers=headers, origin=origin or server.url)


async def next_message(socket, timeout: float = 5.0) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def test_anonymous_connection_is_refused(web_server):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with connect(web_server, cookie=None):
            pass
    assert refused.value.response.status_code == 403


async def test_foreign_origin_is_refused_even_with_a_valid_session(web_server, supervisor_cookie):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with connect(web_server, supervisor_cookie, origin="http://evil.example.com"):
            pass
    assert refused.value.response.status_code == 403


async def test_subscriber_receives_published_event_with_next_sequence_number(web_server, supervisor_cookie):
    async with connect(web_server, supervisor_cookie) as socket:
        await socket.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
        subscribed = await next_message(socket)
        assert subscribed["type"] == "subscribed" and subscribed["group"] == "site.BRU"

        await asyncio.to_thread(send_now, "site.BRU", "case.changed", {"case": 7}, html="<b id='c7'>7</b>", target="c7")
        event = await next_message(socket)
        assert event["type"] == "event" and event["event"] == "case.changed"
        assert event["seq"] == subscribed["seq"] + 1
        assert event["data"] == {"case": 7} and event["target"] == "c7"


async def test_foreign_site_subscription_is_refused_and_its_events_never_arrive(web_server, supervisor_cookie):
    async with connect(web_server, supervisor_cookie) as socket:
        await socket.send(json.dumps({"action": "subscribe", "groups": ["site.CHI", "site.BRU"]}))
        refused = await next_message(socket)
        assert refused == {"type": "refused", "group": "site.CHI", "error": "not allowed for this user"}
        assert (await next_message(socket))["type"] == "subscribed"

        await asyncio.to_thread(send_now, "site.CHI", "case.changed", {"secret": True})
        await asyncio.to_thread(send_now, "site.BRU", "case.changed", {"public": True})
        assert (await next_message(socket))["data"] == {"public": True}


async def test_malformed_client_message_gets_a_clear_error(web_server, supervisor_cookie):
    async with connect(web_server, supervisor_cookie) as socket:
        await socket.send(json.dumps({"subscribe": "site.BRU"}))
        error = await next_message(socket)
        assert error["type"] == "error" and "subscribe" in error["error"]


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
async def test_pulse_from_a_real_celery_worker_reaches_the_screen(web_server, supervisor_cookie):
    worker = celery_worker().start()
    try:
        async with connect(web_server, supervisor_cookie) as socket:
            await socket.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
            await next_message(socket)
            await asyncio.to_thread(publish_pulse.delay)
            pulse = await next_message(socket, timeout=30)  # the worker may still be starting
            while pulse.get("event") != "pulse":  # other work the worker publishes (wall tiles) may come first
                pulse = await next_message(socket, timeout=30)
            assert pulse["event"] == "pulse" and pulse["target"] == "pulse-BRU"
            assert 'id="pulse-BRU"' in pulse["html"]
    finally:
        worker.stop()
