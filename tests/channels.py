"""Listen to a live group through the real channel layer (Redis), as a consumer would."""

import asyncio
import concurrent.futures
import json
import threading

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.utils import timezone

from apps.live.messages import LiveMessage
from apps.live.publisher import SEQUENCE_KEY


class ChannelListener:
    """A channel in the group, served by its own event loop in a thread (the pub/sub layer keeps
    channels per event loop, so creating, joining and reading must happen on the same one)."""

    _open: list["ChannelListener"] = []  # closed after each test (conftest), before Redis stops

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        ChannelListener._open.append(self)
        self.channel = self._run(self.layer.new_channel())
        self._run(self.layer.group_add(group, self.channel))

    def close(self) -> None:
        """Unsubscribe and stop this loop's reader (else it retries against a Redis that is gone)."""
        try:
            self._run(self.layer.flush(), timeout=5)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)

    @classmethod
    def close_all(cls) -> None:
        while cls._open:
            cls._open.pop().close()

    def _run(self, coroutine, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def receive(self, timeout: float = 3.0, *, event: str | None = None) -> dict:
        """The next message (of this event, when given: others are skipped)."""

        async def read():
            while True:
                received = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
                message = json.loads(received["text"])
                if event is None or message.get("event") == event:
                    return {**received, "message": message}

        try:
            return self._run(read(), timeout=timeout + 60)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"nothing for {self.channel} within {timeout} s") from None


class OtherRedisPublisher:
    """Publish live messages through a Redis other than the suite's (a test that kills its Redis)."""

    def __init__(self, redis_url: str):
        self.redis_url = redis_url

    def send(self, group: str, event: str, payload: dict, *, html: str | None = None, target: str | None = None):
        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            seq = int(client.incr(SEQUENCE_KEY.format(group=group)))
        finally:
            client.close()
        message = LiveMessage(event, group, seq, timezone.now().isoformat(), payload, html=html, target=target)
        layer = RedisPubSubChannelLayer(
            hosts=[self.redis_url], prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
        )

        async def send():
            try:
                await layer.group_send(group, message.as_layer_event())
            finally:
                await layer.flush()

        async_to_sync(send)()
