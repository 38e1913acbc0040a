"""Listen to a live group through the real channel layer (Redis), as a consumer would."""

import asyncio

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.utils import timezone

from apps.live.messages import LiveMessage
from apps.live.publisher import SEQUENCE_KEY


class ChannelListener:
    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def receive(self, timeout: float = 3.0, *, event: str | None = None) -> dict:
        """The next message (of this event, when given: others are skipped)."""

        async def read():
            while True:
                received = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
                if event is None or received["message"].get("event") == event:
                    return received

        return async_to_sync(read)()


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
        layer = RedisChannelLayer(hosts=[self.redis_url], prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"])

        async def send():
            try:
                await layer.group_send(group, {"type": "live.message", "message": message.as_wire()})
            finally:
                await layer.close_pools()

        async_to_sync(send)()
