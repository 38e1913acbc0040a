"""The one way to push something to screens: publish(), sent after the database commit."""

import logging
import time
from collections.abc import Callable
from typing import cast

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone, translation

from apps.core.redis import get_redis
from apps.core.registry import Hooks
from apps.live import groups
from apps.live.messages import LiveMessage

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "ct:live:seq:{group}"

# In-process listeners of published events (a wall tile that summarises cases listens for "case.*").
# Called after commit with (event, site_code, payload); a failing listener is logged and skipped.
# Filled by the higher apps in their AppConfig.ready (see apps/core/registry.py).
Listener = Callable[[str, str | None, dict], None]
PUBLISH_LISTENERS: Hooks[[str, str | None, dict]] = Hooks("live publish listeners")
add_listener = PUBLISH_LISTENERS.register

# Durable recorders of site events (outbound webhooks): called by publish() at once, inside the caller's
# transaction, so what they save commits or rolls back with the change itself and a crash after the
# commit loses nothing. Called with (event, site_code, payload) for site-wide publishes only. A recorder
# writes inside its own savepoint (transaction.atomic) so its failure, logged and skipped, never
# breaks the caller's transaction.
PUBLISH_RECORDERS: Hooks[[str, str, dict]] = Hooks("live publish recorders (in the transaction)")


def _sequence_base() -> int:
    """Where a new counter starts: the time in microseconds. A Redis that restarted without its
    data starts every group's counter again, above any number sent before (a counter gains one per
    message, far less than one per microsecond), so a screen sees a jump and resyncs at once instead
    of ignoring the new numbers as old ones until its feed looks dead. Below 2^53 until 2255, so
    JavaScript reads it exactly."""
    return time.time_ns() // 1000


def current_sequence(group: str) -> int:
    """The last sequence number sent to a group (the counter is started when it has none yet)."""
    key = SEQUENCE_KEY.format(group=group)
    client = get_redis()
    value = cast(bytes | None, client.get(key))
    if value is None:
        client.set(key, _sequence_base(), nx=True)
        value = cast(bytes | None, client.get(key))
    return int(value or 0)


def _next_sequence(group: str) -> int:
    key = SEQUENCE_KEY.format(group=group)
    pipe = get_redis().pipeline()  # MULTI/EXEC: start the counter if Redis has none, then count
    pipe.set(key, _sequence_base(), nx=True)
    pipe.incr(key)
    return cast(int, pipe.execute()[1])


def publish(
    event: str,
    site: str | None,
    payload: dict,
    *,
    board: str | None = None,
    user_id: int | None = None,
    html: str | None = None,
    target: str | None = None,
    container: str | None = None,
    remove: bool = False,
    state_key: str | None = None,
) -> None:
    """Publish an event to the site's group (or a board's, or a user's) once the transaction commits.

    Outside a transaction it is sent at once. A failure to send is logged, never raised: the
    screen's sequence check and snapshot refetch repair what a lost message leaves behind.
    See send_now() for which messages are state (conflated) and which are events.
    """
    if user_id is not None:
        group = groups.user_group(user_id)
    elif site is None:
        raise ValueError(f"publish({event!r}) needs a site, or a user_id for a user's group")
    elif board is not None:
        group = groups.board_group(site, board)
    else:
        group = groups.site_group(site)
    if site is not None and user_id is None and board is None:
        record(event, site, payload)
    transaction.on_commit(
        lambda: send_now(
            group,
            event,
            payload,
            html=html,
            target=target,
            container=container,
            remove=remove,
            state_key=state_key,
        )
    )
    if PUBLISH_LISTENERS:
        transaction.on_commit(lambda: PUBLISH_LISTENERS.call_each(event, site, payload))


def record(event: str, site: str, payload: dict) -> None:
    """Hand a site event to the durable recorders only (in the caller's transaction), without a screen message:
    for changes the screens get in bulk (one "refresh") that other systems still hear about one by one."""
    if PUBLISH_RECORDERS:
        PUBLISH_RECORDERS.call_each(event, site, payload)


def send_now(
    group: str,
    event: str,
    payload: dict,
    *,
    html: str | None = None,
    target: str | None = None,
    container: str | None = None,
    remove: bool = False,
    state_key: str | None = None,
) -> None:
    """Number the message and hand it to the channel layer now (use publish() from services).

    Markup for one element (`html` + `target`, or `remove`) is state: the element's newest markup
    supersedes any older one, so its key is the element id unless `state_key` names another. A
    screen that is behind then gets the newest version only. Messages without markup are events.
    """
    if state_key is None and target and (html is not None or remove):
        state_key = target
    try:
        message = LiveMessage(
            event=event,
            group=group,
            seq=_next_sequence(group),
            sent_at=timezone.now().isoformat(),
            data=payload,
            html=html,
            target=target,
            container=container,
            remove=remove,
            state_key=state_key,
            lang=translation.get_language() if html is not None else None,
        )
        async_to_sync(get_channel_layer().group_send)(group, message.as_layer_event())
    except Exception:
        logger.exception("live publish failed", extra={"group": group, "event": event})
