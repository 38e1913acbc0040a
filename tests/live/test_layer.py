"""A socket's inbox in the channel layer: the newest state per key, every event, in sequence order."""

import asyncio

from apps.live.layer import MAX_QUEUED_EVENTS, ConflatingInbox, ConflatingPubSubChannelLayer


def tile(seq: int, key: str = "tile-ships_next-BRU", group: str = "site.BRU") -> dict:
    return {"type": "live.message", "group": group, "seq": seq, "state_key": key, "text": f'{{"seq": {seq}}}'}


def toast(seq: int, group: str = "site.BRU") -> dict:
    return {"type": "live.message", "group": group, "seq": seq, "state_key": None, "text": f'{{"seq": {seq}}}'}


def drain(inbox: ConflatingInbox) -> list[dict]:
    return [inbox.get_nowait() for _ in range(len(inbox))]


def test_a_queued_tile_is_replaced_by_the_newer_one_which_says_what_it_replaced():
    inbox = ConflatingInbox()
    for seq in (1, 2, 3):
        inbox.put_nowait(tile(seq))
    [delivered] = drain(inbox)
    assert delivered["seq"] == 3
    assert delivered["superseded"] == [1, 2]
    assert inbox.replaced == 2


def test_events_are_all_kept_and_the_order_follows_the_sequence():
    inbox = ConflatingInbox()
    inbox.put_nowait(tile(1))
    inbox.put_nowait(toast(2))  # "your request was approved"
    inbox.put_nowait(tile(3))  # replaces 1 and goes behind the toast
    inbox.put_nowait(toast(4))
    delivered = drain(inbox)
    assert [message["seq"] for message in delivered] == [2, 3, 4]
    assert delivered[0]["superseded"] == [1]  # told with the next message out, so its jump is explained


def test_different_tiles_and_groups_are_never_merged():
    inbox = ConflatingInbox()
    inbox.put_nowait(tile(1, key="tile-ships_next-BRU"))
    inbox.put_nowait(tile(2, key="tile-on_fire-BRU"))
    inbox.put_nowait(tile(1, key="tile-ships_next-BRU", group="site.CHI"))
    assert len(drain(inbox)) == 3
    assert inbox.replaced == 0


def test_a_tile_already_taken_off_the_queue_is_not_replaced():
    inbox = ConflatingInbox()
    inbox.put_nowait(tile(1))
    first = inbox.get_nowait()
    inbox.put_nowait(tile(2))
    second = inbox.get_nowait()
    assert (first["seq"], second["seq"]) == (1, 2)
    assert "superseded" not in second


def test_the_shared_message_is_not_changed_for_the_other_sockets():
    shared = tile(2)
    behind, keeping_up = ConflatingInbox(), ConflatingInbox()
    behind.put_nowait(tile(1))
    behind.put_nowait(shared)
    keeping_up.put_nowait(shared)
    assert behind.get_nowait()["superseded"] == [1]
    assert "superseded" not in keeping_up.get_nowait()


def test_past_the_bound_the_oldest_events_go_and_the_newest_state_stays():
    inbox = ConflatingInbox()
    inbox.put_nowait(tile(1))
    for seq in range(2, MAX_QUEUED_EVENTS + 3):
        inbox.put_nowait(toast(seq))
    delivered = drain(inbox)
    assert inbox.overflowed == 1
    assert delivered[0]["seq"] == 1  # the tile: the oldest event (seq 2) went instead
    assert delivered[1]["seq"] == 3
    assert len(delivered) == MAX_QUEUED_EVENTS + 1


def test_get_waits_for_the_next_message():
    async def scenario():
        inbox = ConflatingInbox()
        waiting = asyncio.ensure_future(inbox.get())
        await asyncio.sleep(0)
        assert not waiting.done()
        inbox.put_nowait(tile(5))
        return await asyncio.wait_for(waiting, 1)

    assert asyncio.run(scenario())["seq"] == 5


def test_live_messages_go_to_an_attached_outlet_and_everything_else_to_the_inbox():
    """The direct path: a socket's consumer takes its live messages from the layer's receive loop."""

    async def scenario():
        layer = ConflatingPubSubChannelLayer(hosts=["redis://127.0.0.1:1/0"])  # nothing is sent here
        loop_layer = layer._get_layer()
        loop_layer.channels = {"direct": ConflatingInbox(), "queued": ConflatingInbox()}
        loop_layer.groups["site.BRU"] = {"direct", "queued"}
        taken: list[dict] = []
        layer.attach_outlet("direct", taken.append)
        shard = loop_layer._shards[0]
        for message in (tile(1), {"type": "live.disconnect", "code": 4403}):
            shard._receive_message({"channel": "site.BRU", "data": layer.serialize(message)})
        direct, queued = loop_layer.channels["direct"], loop_layer.channels["queued"]
        assert [message["seq"] for message in taken] == [1]
        assert drain(direct) == [{"type": "live.disconnect", "code": 4403}]  # not a live message: as before
        assert [message.get("seq") for message in drain(queued)] == [1, None]
        assert taken[0] is not None and taken[0]["text"] == tile(1)["text"]

        layer.detach_outlet("direct")
        shard._receive_message({"channel": "site.BRU", "data": layer.serialize(tile(2))})
        assert len(taken) == 1 and drain(direct)[0]["seq"] == 2

    asyncio.run(scenario())


def test_one_outlet_failing_does_not_keep_the_message_from_the_others():
    async def scenario():
        layer = ConflatingPubSubChannelLayer(hosts=["redis://127.0.0.1:1/0"])
        loop_layer = layer._get_layer()
        loop_layer.groups["site.BRU"] = {"broken", "fine"}
        taken: list[dict] = []

        def broken(message: dict) -> None:
            raise RuntimeError("socket gone")

        layer.attach_outlet("broken", broken)
        layer.attach_outlet("fine", taken.append)
        loop_layer._shards[0]._receive_message({"channel": "site.BRU", "data": layer.serialize(tile(1))})
        assert [message["seq"] for message in taken] == [1]

    asyncio.run(scenario())
