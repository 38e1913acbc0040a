"""Listen to a live group through the real channel layer (Redis), as a consumer would."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


class ChannelListener:
    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def receive(self, timeout: float = 3.0) -> dict:
        async def read():
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)

        return async_to_sync(read)()
