"""publish() numbers messages per group and sends them only after the transaction commits."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from apps.live.publisher import current_sequence, publish


def receive(channel: str, timeout: float = 2.0) -> dict:
    layer = get_channel_layer()

    async def read():
        return await asyncio.wait_for(layer.receive(channel), timeout)

    return async_to_sync(read)()


@pytest.fixture
def listener():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("site.PUB", channel)
    yield channel
    async_to_sync(layer.group_discard)("site.PUB", channel)


@pytest.mark.django_db(transaction=True)
def test_messages_are_numbered_per_group(listener):
    before = current_sequence("site.PUB")
    publish("case.changed", "PUB", {"case": 1}, html="<p id='x'>1</p>", target="x")
    publish("case.changed", "PUB", {"case": 2})
    first, second = receive(listener)["message"], receive(listener)["message"]
    assert (first["seq"], second["seq"]) == (before + 1, before + 2)
    assert first["data"] == {"case": 1} and first["html"] == "<p id='x'>1</p>" and first["target"] == "x"
    assert first["type"] == "event" and first["group"] == "site.PUB" and first["event"] == "case.changed"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_before_commit_and_nothing_after_rollback(listener):
    before = current_sequence("site.PUB")
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("case.changed", "PUB", {"case": "rolled back"})
        raise RuntimeError("decision failed")
    assert current_sequence("site.PUB") == before

    with transaction.atomic():
        publish("case.changed", "PUB", {"case": "committed"})
        assert current_sequence("site.PUB") == before  # not yet: still inside the transaction
    assert receive(listener)["message"]["data"] == {"case": "committed"}
