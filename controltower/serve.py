"""Daphne with a redacting access log: `python -m controltower.serve [daphne options] controltower.asgi:application`.

Daphne's access log writes each request's path with its query string, so a display token
(`/wall/BRU/?token=...`) or the webhook secret (`/api/v1/hooks/odoo/<secret>/`) would land in
the logs. This runs Daphne's own command line with every access-log line passed through redact().

It also gives each websocket a back-pressure signal (ASGI has none: Daphne's send() returns at
once and buffers without limit): a SocketDrain registered as the socket's Twisted producer, found
by the application in scope["extensions"]["controltower.socket_drain"]. The drain also writes a
live message's frame straight to the socket (send_text): the consumer delivers the channel layer's
group messages from the layer's own receive loop, without a task and an ASGI hop per socket, and
one frame encoded per message serves every socket (a server's frames are not masked).
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable

# Daphne ships no type hints (no py.typed).
from daphne.cli import CommandLineInterface  # type: ignore[import-untyped]
from daphne.server import Server  # type: ignore[import-untyped]
from twisted.internet import tcp
from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer  # type: ignore[import-untyped]

from apps.core.redaction import redact  # reads settings only when a line is written
from apps.live.delivery import text_frame  # plain Python: no Django needed at import


class _RedactingStream:
    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(redact(text))

    def flush(self) -> None:
        self.stream.flush()


SOCKET_DRAIN_EXTENSION = "controltower.socket_drain"
# How much a websocket may hold unsent before its consumer stops and conflation takes over: the
# kernel's send buffer (Linux doubles the number) plus Twisted's buffer. Left alone, the kernel grows
# a socket's buffer to megabytes — a thousand stale tiles queued for a slow screen — before Twisted
# would ever pause us. A few dozen kB still carry a screen's updates at LAN and WAN round trips.
SOCKET_SEND_BUFFER_BYTES = 32_768
SOCKET_WRITE_BUFFER_BYTES = 32_768


@implementer(IPushProducer)
class SocketDrain:
    """Twisted pauses it when the socket's write buffer passes 32 kB (the client is not reading
    fast enough) and resumes it once the buffer is written out; a closed socket resumes it for good
    so nothing waits on a dead client.

    The socket's producer slot is already taken by the HTTP channel the websocket was upgraded
    from (it pauses reading); the drain takes the slot and passes every call on to it."""

    def __init__(self, passes_to=None, protocol=None) -> None:
        self._writable = asyncio.Event()
        self._writable.set()
        self.passes_to = passes_to
        self.protocol = protocol  # Daphne's WebSocketProtocol (autobahn) for this socket
        self.pauses = 0
        # Called (soon, on the event loop) when a paused socket can take more: the consumer's flush.
        self.on_resume: Callable[[], None] | None = None

    def pauseProducing(self) -> None:
        self.pauses += 1
        self._writable.clear()
        if self.passes_to is not None:
            self.passes_to.pauseProducing()

    def resumeProducing(self) -> None:
        self._writable.set()
        if self.passes_to is not None:
            self.passes_to.resumeProducing()
        if self.on_resume is not None:
            asyncio.get_running_loop().call_soon(self.on_resume)

    def stopProducing(self) -> None:
        self._writable.set()
        if self.passes_to is not None:
            self.passes_to.stopProducing()

    @property
    def writable(self) -> bool:
        return self._writable.is_set()

    async def wait_writable(self) -> None:
        await self._writable.wait()

    @property
    def is_open(self) -> bool:
        protocol = self.protocol
        return protocol is not None and protocol.state == protocol.STATE_OPEN

    def send_text(self, text: str, frame: bytes | None = None) -> bool:
        """Write a text message to the socket now; `frame` is text_frame(text), when already made.
        False when the socket is not open (closing or closed): nothing is written."""
        if not self.is_open:
            return False
        if frame is None:
            frame = text_frame(text)
        transport = self.protocol.transport
        if isinstance(transport, tcp.Connection) and _nothing_buffered(transport):
            # Straight into the socket when Twisted holds nothing for it (the usual case): no
            # writer registered with the event loop and called back for every frame.
            written = transport.writeSomeData(frame)
            if isinstance(written, int):
                if written == len(frame):
                    return True
                frame = frame[written:]
        transport.write(frame)  # the rest, or everything: Twisted buffers it and pauses us past 32 kB
        return True


def _nothing_buffered(transport: tcp.Connection) -> bool:
    return bool(
        transport.connected
        and not transport.disconnecting
        and not transport._tempDataBuffer
        and transport.offset >= len(transport.dataBuffer)
    )


class RedactingServer(Server):
    def __init__(self, *args, action_logger=None, **kwargs):
        if action_logger is not None and hasattr(action_logger, "stream"):
            action_logger.stream = _RedactingStream(action_logger.stream)
        super().__init__(*args, action_logger=action_logger, **kwargs)

    def create_application(self, protocol, scope):
        transport = getattr(protocol, "transport", None)
        if scope.get("type") == "websocket" and transport is not None and getattr(transport, "connected", False):
            earlier = transport.producer
            if earlier is None or transport.streamingProducer:
                if earlier is not None:
                    transport.unregisterProducer()
                drain = SocketDrain(passes_to=earlier, protocol=protocol)
                transport.bufferSize = SOCKET_WRITE_BUFFER_BYTES
                handle = transport.getHandle()
                if isinstance(handle, socket.socket):
                    handle.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SEND_BUFFER_BYTES)
                transport.registerProducer(drain, True)
                scope.setdefault("extensions", {})[SOCKET_DRAIN_EXTENSION] = drain
        return super().create_application(protocol, scope)


class RedactingCommandLine(CommandLineInterface):
    server_class = RedactingServer


def main() -> None:
    RedactingCommandLine().run(sys.argv[1:])


if __name__ == "__main__":
    main()
