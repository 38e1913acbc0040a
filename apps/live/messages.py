"""The typed payload every live message carries, on the wire as JSON."""

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class LiveMessage:
    """One event for one group.

    seq counts up by one per group: a client that sees a jump knows it missed something and
    refetches its snapshot. `html` + `target` (an element id) let a page swap in a partial rendered
    by the same template as the first page load. When the element is not on the page yet and
    `container` names one, the partial is added to it (a new row); `remove` takes the element away.

    `state_key` marks a state message (a tile, a row, a widget: only its newest version matters):
    while one is still queued for a screen, a newer one with the same key replaces it (conflation).
    Messages without a key are events (a toast, "your request was approved") and are each
    delivered, in order.
    """

    event: str
    group: str
    seq: int
    sent_at: str  # ISO 8601 UTC
    data: dict = field(default_factory=dict)
    html: str | None = None
    target: str | None = None
    container: str | None = None
    remove: bool = False
    state_key: str | None = None
    # The language `html` was rendered in. One broadcast serves every screen of a group, whatever
    # its reader's language: a page in another language fetches its own snapshot instead (live.js).
    lang: str | None = None

    @property
    def is_state(self) -> bool:
        return self.state_key is not None

    def as_wire(self) -> dict:
        return {"type": "event", **asdict(self)}

    def as_layer_event(self) -> dict:
        """What travels through the channel layer: the JSON text is encoded once here, not once
        per watching screen (a change seen by 500 screens is serialised once). seq and state_key
        ride beside the text so the layer can conflate without decoding it."""
        return {
            "type": "live.message",
            "group": self.group,
            "seq": self.seq,
            "state_key": self.state_key,
            "text": json.dumps(self.as_wire()),
        }
