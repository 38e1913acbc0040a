"""Open websockets belong to a user: when that user's access ends, their sockets are closed.

Every socket of a signed-in user joins `sockets.<user id>` (a control group no client may
subscribe to: apps.live.groups does not parse it). Whatever ends or narrows a user's access —
logout, password change, deactivation, deletion, a role or site taken away, a display token
revoked or deleted — sends that group a close message once the change is committed.
The consumer also re-checks its session on a timer, so an expired session ends its socket too.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from importlib import import_module

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.utils.crypto import constant_time_compare
from redis.exceptions import ConnectionError as RedisConnectionError

from apps.accounts.models import User

logger = logging.getLogger(__name__)

ACCESS_ENDED = 4403  # application close code: access was taken away
SESSION_ENDED = 4401  # application close code: sign in again


def user_sockets_group(user_id: int) -> str:
    """The control group every open socket of this user joins."""
    return f"sockets.{user_id}"


def user_sockets_close(*, user_id: int, code: int = ACCESS_ENDED) -> None:
    """Close every open socket of this user after the current transaction commits (now outside one)."""
    transaction.on_commit(lambda: _send_close(user_id, code))


def _send_close(user_id: int, code: int) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a sync view, task or command
        _group_send_close(user_id, code)
        return
    # Called from a thread that runs an event loop (async_to_sync cannot run there): send from another.
    threading.Thread(target=_group_send_close, args=(user_id, code), daemon=True).start()


def _group_send_close(user_id: int, code: int) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(
            user_sockets_group(user_id), {"type": "live.disconnect", "code": code}
        )
    except (RedisConnectionError, OSError) as error:
        # No channel layer (a command run before the stack starts, as `make demo` seeds users): no socket
        # can be open through it either; if one is, its own session re-check closes it a little later.
        logger.warning("could not reach the channel layer to close open sockets: %s", error, extra={"user_id": user_id})
    except Exception:  # the change stands; the socket's own session re-check closes it a little later
        logger.exception("could not close the open sockets", extra={"user_id": user_id})


def session_still_valid(session_key: str | None, user_id: int) -> bool:
    """Is this session still signed in as this active user (not expired, logged out, or re-keyed)?"""
    if not session_key:
        return False
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()  # {} when gone/expired
    if str(data.get(SESSION_KEY)) != str(user_id) or not data.get(BACKEND_SESSION_KEY):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    # A password change re-keys the user's sessions (the same check django.contrib.auth.get_user makes).
    return constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
