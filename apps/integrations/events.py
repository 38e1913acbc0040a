"""From what the product publishes to the webhook events subscribers receive.

Why this hook: apps/live/publisher.py calls its PUBLISH_RECORDERS inside the transaction of the change
(the after-commit PUBLISH_LISTENERS would lose events if the process died between the commit and the
callback). The delivery rows commit with the case, the approval or the dock appointment, or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from apps.integrations.models import EventType

DECIDED_STATUSES = ("approved", "rejected", "straight_through", "cancelled")
WRITEBACK_CASE_KIND = "writeback_attention"  # the case the write-back outbox opens when an entry needs a person


@dataclass(frozen=True)
class WebhookEvent:
    type: str
    data: dict
    # Events that describe a state (an approval was decided) are sent once per subscription: a second
    # announcement of the same state (a reminder, a re-render) finds the key already delivered.
    once_key: str = ""

    def message_id(self, fallback: str) -> str:
        seed = self.once_key or fallback
        return "msg_" + hashlib.sha256(seed.encode()).hexdigest()[:26]


def webhook_events_for(event: str, payload: dict) -> list[WebhookEvent]:
    """The webhook events one published live event stands for (often none: a comment, a pulse)."""
    if event in (EventType.CASE_OPENED, EventType.CASE_ESCALATED, EventType.CASE_RESOLVED):
        events = [WebhookEvent(event, payload)]
        if event == EventType.CASE_OPENED and payload.get("kind") == WRITEBACK_CASE_KIND:
            events.append(WebhookEvent(EventType.WRITEBACK_FAILED, payload, once_key=f"writeback:{payload['case']}"))
        return events
    if event == "approval.changed":
        status = payload.get("status")
        if status in DECIDED_STATUSES:
            return [WebhookEvent(EventType.APPROVAL_DECIDED, payload, once_key=f"approval:{payload['id']}:decided")]
        if status == "pending":
            return [WebhookEvent(EventType.APPROVAL_REQUESTED, payload, once_key=f"approval:{payload['id']}:requested")]
        return []
    if event == "dock.changed":
        return [WebhookEvent(EventType.DOCK_CHANGED, payload)]
    return []
