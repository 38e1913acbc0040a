"""Proof 2 of issue 16: Hypothesis fuzzing of the webhook intake and the websocket protocol.

Whatever arrives, the webhook answers 2xx/4xx (never 5xx) and the live socket answers every frame
with a message and stays open. FUZZ_EXAMPLES sets the budget (`make fuzz` runs a large one).
"""

from __future__ import annotations

import asyncio
import json
import os

import pytest
import websockets
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.mirror.specs import SPECS

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
FUZZ = settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
record_ids = st.one_of(st.integers(), st.text(max_size=12), st.floats(), st.none(), st.booleans())
webhook_payloads = st.fixed_dictionaries(
    {"_model": st.sampled_from([*SPECS, "res.users", "", "stock.picking\x00"]), "_id": record_ids},
    optional={"_action": json_values, "write_date": json_values, "extra": json_values},
)
webhook_bodies = st.one_of(
    webhook_payloads.map(lambda payload: json.dumps(payload, allow_nan=True).encode()),
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.integers(min_value=1, max_value=3000).map(lambda depth: ("[" * depth + "]" * depth).encode()),
)


@pytest.mark.django_db
@FUZZ
@given(body=webhook_bodies)
def test_the_webhook_intake_never_answers_5xx(body):
    response = Client().generic(
        "POST", f"/api/v1/hooks/odoo/{django_settings.ODOO_WEBHOOK_SECRET}/", body, content_type="application/json"
    )
    assert response.status_code in (200, 202, 400, 413), (response.status_code, body[:80])


group_names = st.one_of(
    st.sampled_from(["site.BRU", "site.CHI", "board.BRU.floor", "user.1", "sockets.1", "display.1"]),
    st.text(max_size=40),
    json_values,
)
frames = st.one_of(
    st.fixed_dictionaries(
        {
            "action": st.sampled_from(["subscribe", "unsubscribe", "publish", ""]),
            "groups": st.lists(group_names, max_size=25),
        }
    ).map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=100),
)


@pytest.mark.django_db(transaction=True)
@FUZZ
@given(sent=st.lists(frames, min_size=1, max_size=6))
def test_the_live_socket_answers_every_frame_and_stays_open(web_server, supervisor_cookie, sent):
    async def converse():
        async with websockets.connect(
            f"ws://127.0.0.1:{web_server.port}/ws/live/",
            additional_headers={"Cookie": supervisor_cookie},
            origin=web_server.url,
        ) as socket:
            for frame in sent:
                await socket.send(frame)
                answer = json.loads(await asyncio.wait_for(socket.recv(), 5))
                assert answer["type"] in ("error", "refused", "subscribed", "unsubscribed", "event"), answer
                # a subscribe of many groups answers once per group: read what is waiting
                while True:
                    try:
                        json.loads(await asyncio.wait_for(socket.recv(), 0.05))
                    except TimeoutError:
                        break
            await socket.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
            assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] in ("subscribed", "refused")

    asyncio.run(converse())


@pytest.fixture
def supervisor_cookie(supervisor) -> str:
    client = Client()
    client.force_login(supervisor)
    return f"sessionid={client.cookies['sessionid'].value}"
