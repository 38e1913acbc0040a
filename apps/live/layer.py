"""The channel layer of the live spine: Redis pub/sub, with a conflating inbox per socket.

channels_redis' pub/sub layer gives every socket an unbounded FIFO and decodes each group message
once per socket. Under load (a busy machine, a screen that stopped reading) those queues grow and
every screen walks through every intermediate state of every tile. Here a group message is decoded
once, and each socket's inbox keeps at most one state message per (group, state key): a newer one
replaces the queued one and moves to the back, so the inbox stays in sequence order. Events (no
state key) are all kept, in order, up to MAX_QUEUED_EVENTS; past that the oldest go and the
screen repairs the gap with its snapshot, as after any lost message.

The sequence numbers a socket's inbox replaced travel with the group's next message out
("superseded"), so the consumer can tell the screen that the gap is by design (apps/live/delivery.py).

A consumer that can write to its socket at once (under our Daphne, controltower/serve.py) attaches
an outlet for its channel: live messages of its groups are then handed to it right here, in the
layer's receive loop, instead of waking a task per socket to take them from the inbox. With 500
screens that per-socket hop (a task, a wait, a dispatch, an ASGI send) was most of Daphne's time
per frame. The outlet keeps its own conflating inbox for when its socket is full.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from channels_redis.pubsub import (  # type: ignore[import-untyped]
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

MAX_QUEUED_EVENTS = 1000  # per socket; a screen this far behind gets a snapshot instead
LIVE_MESSAGE = "live.message"  # the layer type of a published message (apps/live/messages.py)
Outlet = Callable[[dict], None]


class ConflatingInbox:
    """One socket's queue: every event, and the newest message of each state key."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._superseded: dict[Any, list[int]] = {}  # group -> seqs replaced, not yet told
        self._event_numbers = itertools.count()
        self._events = 0
        self._ready = asyncio.Event()
        self.replaced = 0  # state messages dropped for a newer one (what ws_conflated_ratio counts)
        self.overflowed = 0  # events dropped past MAX_QUEUED_EVENTS

    def __len__(self) -> int:
        return len(self._entries)

    def put_nowait(self, message: Any) -> None:
        """Queue a decoded message (a dict) or raw bytes for a direct send."""
        state_key = message.get("state_key") if isinstance(message, dict) else None
        if state_key is not None:
            group = message.get("group")
            key: Any = ("state", group, state_key)
            older = self._entries.pop(key, None)
            if older is not None:
                self.replaced += 1
                self._superseded.setdefault(group, []).append(older.get("seq"))
        else:
            key = ("event", next(self._event_numbers))
            self._events += 1
            if self._events > MAX_QUEUED_EVENTS:
                self._drop_oldest_event()
        self._entries[key] = message
        self._ready.set()

    def _drop_oldest_event(self) -> None:
        for key in self._entries:
            if key[0] == "event":
                del self._entries[key]
                self._events -= 1
                self.overflowed += 1
                return

    def get_nowait(self) -> Any:
        key, message = self._entries.popitem(last=False)
        if key[0] == "event":
            self._events -= 1
        if not self._entries:
            self._ready.clear()
        superseded = self._superseded.pop(message.get("group"), None) if isinstance(message, dict) else None
        if superseded:
            # Told with the group's next message out, whichever it is, so that one's jump is explained.
            # The message dict is shared by every socket of the group: add our part to a copy.
            return {**message, "superseded": superseded}
        return message

    async def get(self) -> Any:
        while not self._entries:
            self._ready.clear()
            await self._ready.wait()
        return self.get_nowait()


class _ConflatingShard(RedisSingleShardConnection):
    def _receive_message(self, message):
        if message is None:
            return
        name, data = message["channel"], message["data"]
        if isinstance(name, bytes):
            name = name.decode()
        layer = self.channel_layer
        if name in layer.channels:
            layer.channels[name].put_nowait(data)  # a direct send: decoded by receive()
        elif name in layer.groups:
            decoded = layer.channel_layer.deserialize(data)  # once, not once per socket
            outlets = layer.outlets if decoded.get("type") == LIVE_MESSAGE else {}
            for channel_name in list(layer.groups[name]):
                outlet = outlets.get(channel_name)
                if outlet is not None:
                    try:
                        outlet(decoded)
                    except Exception:  # one socket's failure never keeps the message from the others
                        logger.exception("live layer: an outlet failed", extra={"channel": channel_name})
                    continue
                inbox = layer.channels.get(channel_name)
                if inbox is not None:
                    inbox.put_nowait(decoded)


class _ConflatingLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards: list[RedisSingleShardConnection] = [_ConflatingShard(shard.host, self) for shard in self._shards]
        self.outlets: dict[str, Outlet] = {}  # channel -> the consumer's direct delivery of live messages

    async def _subscribe_to_channel(self, channel):
        self.channels[channel] = ConflatingInbox()
        shard = self._get_shard(channel)
        await shard.subscribe(channel)

    async def receive(self, channel):
        if channel not in self.channels:
            await self._subscribe_to_channel(channel)
        inbox = self.channels[channel]
        try:
            message = await inbox.get()
        except (asyncio.CancelledError, TimeoutError, GeneratorExit):
            # The consumer is going away (as in channels_redis): drop its channel.
            if channel in self.channels:
                del self.channels[channel]
                try:
                    await self._get_shard(channel).unsubscribe(channel)
                except BaseException:
                    logger.exception("live layer: unsubscribe failed while a consumer left")
            raise
        return message if isinstance(message, dict) else self.channel_layer.deserialize(message)


class ConflatingPubSubChannelLayer(RedisPubSubChannelLayer):
    """RedisPubSubChannelLayer whose per-socket queues conflate state messages (settings.CHANNEL_LAYERS)."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _ConflatingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer

    def attach_outlet(self, channel: str, outlet: Outlet) -> None:
        """Hand the live messages of `channel`'s groups to `outlet` as they arrive (on this event loop)."""
        self._get_layer().outlets[channel] = outlet

    def detach_outlet(self, channel: str) -> None:
        self._get_layer().outlets.pop(channel, None)
