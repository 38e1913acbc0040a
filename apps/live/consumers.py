"""The one live endpoint, /ws/live/: authenticated, subscribe-checked, numbered messages."""

import asyncio
import json
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from apps.accounts.display_middleware import SESSION_KEY as DISPLAY_SESSION_KEY
from apps.accounts.display_tokens import display_group
from apps.accounts.models import DisplayToken
from apps.accounts.sockets import SESSION_ENDED, session_still_valid, user_sockets_group
from apps.live.access import can_subscribe
from apps.live.delivery import DeliveryLedger, frame_for
from apps.live.layer import ConflatingInbox
from apps.live.publisher import current_sequence

logger = logging.getLogger(__name__)

REFUSED_ANONYMOUS = 4401  # application close code: log in first
RECHECK_EVERY_S = 60  # membership can be revoked while a socket is open
# Each socket's checks come due at its own moment within the period (a random part of the last
# quarter), not all together: 500 screens connected in the same minute would otherwise queue 500
# database checks on the one thread all sync code shares, every period, and hold their messages.
SPREAD = 0.25
MAX_GROUPS = 20  # groups one socket may hold at once (a page needs a handful)
MAX_FRAME_CHARS = 16_384  # a subscribe message is small; anything bigger is not one of ours
SESSION_RECHECK_S = 30  # an expired or ended session closes its socket within this
# The web server's back-pressure signal for this socket (controltower/serve.py); absent elsewhere.
SOCKET_DRAIN_EXTENSION = "controltower.socket_drain"
STALLED_CLOSE_S = 30  # a client that reads nothing for this long is closed; it reconnects and resyncs
STALLED = 4408  # application close code: the client stopped reading


def _display_token_active(token_id: int) -> bool:
    return DisplayToken.objects.filter(pk=token_id, revoked_at=None).exists()


def _session_still_valid(session_key: str | None, user_id: int, token_id: int | None) -> bool:
    if token_id is not None and not _display_token_active(token_id):
        return False
    return session_still_valid(session_key, user_id)


def _next_check(period_s: float) -> float:
    """When a periodic check is next due (time.monotonic()): within `period_s`, spread between sockets."""
    return time.monotonic() + period_s * (1 - SPREAD * random.random())  # noqa: S311 (timing, not secrets)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Clients send {"action": "subscribe", "groups": [...]}; the server checks each group."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outbox: ConflatingInbox | None = None  # the direct path's queue while the socket is full
        self.holds = 0  # handlers running (connect, subscribe): live messages wait for them, in order
        self.stall_timer: asyncio.TimerHandle | None = None
        self.stalled = False
        self.background: set[asyncio.Future] = set()  # the direct path's rechecks and closes

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=REFUSED_ANONYMOUS)  # before accept(): the handshake is refused
            return
        self.user_id = user.pk
        self.groups_joined: set[str] = set()
        self.display_group: str | None = None
        self.recheck_at = _next_check(RECHECK_EVERY_S)
        self.rechecking = False
        self.ledger = DeliveryLedger()
        self.stalled = False
        self.drain = self.scope.get("extensions", {}).get(SOCKET_DRAIN_EXTENSION)
        token_id = self.scope["session"].get(DISPLAY_SESSION_KEY) if "session" in self.scope else None
        if token_id is not None:
            if not await database_sync_to_async(_display_token_active)(token_id):
                await self.close(code=REFUSED_ANONYMOUS)
                return
            # A revocation closes every socket of this display at once (live.disconnect).
            self.display_group = display_group(token_id)
            await self.channel_layer.group_add(self.display_group, self.channel_name)
        # Logout, password change, deactivation, role or site removal close this (accounts.sockets).
        self.sockets_group = user_sockets_group(user.pk)
        await self.channel_layer.group_add(self.sockets_group, self.channel_name)
        self.session_key = self.scope["session"].session_key if "session" in self.scope else None
        self.token_id = token_id
        await self.accept()
        self.session_watch = asyncio.ensure_future(self._watch_session())
        attach = getattr(self.channel_layer, "attach_outlet", None)
        if self.drain is not None and hasattr(self.drain, "send_text") and attach is not None:
            # Live messages straight from the layer's receive loop to the socket (the direct path).
            self.outbox = ConflatingInbox()
            self.drain.on_resume = self._flush
            attach(self.channel_name, self._deliver)

    async def disconnect(self, code):
        watch = getattr(self, "session_watch", None)
        if watch is not None:
            watch.cancel()
        if self.outbox is not None:
            self.channel_layer.detach_outlet(self.channel_name)
            self.drain.on_resume = None
            self.outbox = None
        if self.stall_timer is not None:
            self.stall_timer.cancel()
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in (getattr(self, "display_group", None), getattr(self, "sockets_group", None)):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Malformed frames get an error message; they never crash the socket (close 1011)."""
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self._error("send a JSON text frame under 16 kB")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self._error("that frame is not JSON")
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        action = content.get("action") if isinstance(content, dict) else None
        requested = content.get("groups") if isinstance(content, dict) else None
        if action not in {"subscribe", "unsubscribe"} or not isinstance(requested, list):
            await self._error("send {'action': 'subscribe', 'groups': [...]}")
            return
        if not requested:
            await self._error("name at least one group, e.g. 'site.BRU'")
            return
        if not all(isinstance(group, str) and group.isascii() and len(group) < 100 for group in requested):
            await self._error("group names are short ASCII strings, e.g. 'site.BRU'")
            return
        for group in requested[:MAX_GROUPS]:
            if action == "unsubscribe":
                await self._leave(group)
                await self.send_json({"type": "unsubscribed", "group": group})  # every frame gets an answer
            elif group not in self.groups_joined and len(self.groups_joined) >= MAX_GROUPS:
                await self.send_json(
                    {"type": "refused", "group": group, "error": f"at most {MAX_GROUPS} groups per connection"}
                )
            elif await self._allowed(group):
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.add(group)
                seq = await database_sync_to_async(current_sequence)(group)
                self.ledger.baseline(group, seq)
                await self.send_json({"type": "subscribed", "group": group, "seq": seq})
            else:
                logger.info("live subscription refused", extra={"user_id": self.user_id, "group": group})
                await self.send_json({"type": "refused", "group": group, "error": "not allowed for this user"})

    async def dispatch(self, message):
        """Channels closes stale database connections before every handler: a hop to the one
        thread all sync code shares. A live message touches no database (the periodic recheck
        goes through database_sync_to_async, which does its own), and with 500 screens taking
        several messages a second those hops queued on that one thread were most of the fan-out's
        cost. So live messages skip it; everything else is dispatched as usual."""
        if message.get("type") == "live.message":
            await self.live_message(message)
            return
        # While a handler runs (a subscribe waiting for its baseline, a recheck), the direct path
        # queues: a screen gets its messages after the answer to what it asked, as it always did.
        self.holds += 1
        try:
            await super().dispatch(message)
        finally:
            self.holds -= 1
            self._flush()

    def _deliver(self, event: dict) -> None:
        """The direct path (the channel layer's outlet for this socket): send now when the socket
        can take it and nothing waits before it, else queue it where a newer state replaces it."""
        outbox = self.outbox
        if outbox is None or self.stalled:
            return
        if not len(outbox) and not self.holds and self.drain.writable and not self._recheck_due():
            self._send(event)
            return
        outbox.put_nowait(event)
        self._flush()

    def _recheck_due(self) -> bool:
        return time.monotonic() > self.recheck_at

    def _send(self, event: dict) -> bool:
        """Write one live message to the socket; False when the socket is closing."""
        if event["group"] not in self.groups_joined:
            return True
        text = self.ledger.wire_text(event)
        return text is None or self.drain.send_text(text, frame_for(event, text))

    def _flush(self) -> None:
        """Send what the outbox holds, oldest first, while the socket takes it."""
        outbox, drain = self.outbox, self.drain
        if outbox is None or self.stalled:
            return
        while len(outbox) and not self.holds and drain.writable:
            if self._recheck_due() and not self.rechecking:
                # Beside the deliveries, not in front of them: a revoked membership stops this
                # socket's messages once the check is done (the group is left), as before, but a
                # check waiting for the database no longer holds the screen's updates back.
                self.rechecking = True
                self._in_background(self._recheck_all())
            if not self._send(outbox.get_nowait()):
                return  # closing: the disconnect is on its way
        if len(outbox) and not drain.writable:
            if self.stall_timer is None:
                self.stall_timer = asyncio.get_running_loop().call_later(STALLED_CLOSE_S, self._stall_check)
        elif self.stall_timer is not None:
            self.stall_timer.cancel()
            self.stall_timer = None

    def _stall_check(self) -> None:
        self.stall_timer = None
        if self.outbox is not None and len(self.outbox) and not self.drain.writable and not self.stalled:
            logger.info("live socket closed: the client stopped reading", extra={"user_id": self.user_id})
            self.stalled = True
            self._in_background(self.close(code=STALLED))

    def _in_background(self, work) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def live_message(self, event):
        """A published message for one of our groups (channel layer type "live.message").

        While the client's socket is full (it reads slower than we write), we wait here instead of
        buffering without limit: meanwhile our inbox in the channel layer keeps only the newest
        state per key (apps/live/layer.py), so the client catches up on the latest, not the history,
        and the other sockets never wait for this one.
        """
        if self.stalled:
            return  # closed for not reading; the disconnect is on its way
        if self.drain is not None and not self.drain.writable:
            try:
                await asyncio.wait_for(self.drain.wait_writable(), STALLED_CLOSE_S)
            except TimeoutError:
                logger.info("live socket closed: the client stopped reading", extra={"user_id": self.user_id})
                self.stalled = True
                await self.close(code=STALLED)
                return
        if self._recheck_due():
            await self._recheck_all()
        if event["group"] in self.groups_joined:
            text = self.ledger.wire_text(event)
            if text is not None:
                await self.send(text_data=text)

    async def live_disconnect(self, event):
        """Server-side kick (revoked access): close the socket now."""
        await self.close(code=event.get("code", 4403))

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "error": message})

    async def _watch_session(self) -> None:
        """Close the socket when its session ends on its own (expiry) or behind our back."""
        while True:
            remaining = self.scope["session"].get_expiry_age() if "session" in self.scope else SESSION_RECHECK_S
            await asyncio.sleep(max(0.5, min(_next_check(SESSION_RECHECK_S) - time.monotonic(), remaining + 0.5)))
            valid = await database_sync_to_async(_session_still_valid)(self.session_key, self.user_id, self.token_id)
            if not valid:
                await self.close(code=SESSION_ENDED)
                return

    async def _allowed(self, group) -> bool:
        return await database_sync_to_async(self._allowed_sync)(group)

    def _allowed_sync(self, group) -> bool:
        user = get_user_model().objects.filter(pk=self.user_id).first()
        return user is not None and can_subscribe(user, group)

    async def _leave(self, group):
        await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined.discard(group)
        self.ledger.forget(group)

    async def _recheck_all(self):
        self.recheck_at = _next_check(RECHECK_EVERY_S)
        self.rechecking = True
        try:
            await self._recheck_groups()
        finally:
            self.rechecking = False

    async def _recheck_groups(self):
        for group in list(self.groups_joined):
            if not await self._allowed(group):
                await self._leave(group)
                await self.send_json({"type": "refused", "group": group, "error": "access was revoked"})
