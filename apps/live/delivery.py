"""What one socket has sent per group, so a gap made by conflation is not mistaken for a loss.

A screen numbers each group's messages and refetches its snapshots when one is missing. When the
socket's inbox replaced a queued state message by a newer one (apps/live/layer.py), the screen
sees a jump that needs no repair: the newer message carries everything. The ledger vouches for
such a jump by stamping `"after": <last seq sent>` on the next message ("nothing you need lies
between"), the only per-socket bytes in a message whose JSON is otherwise encoded once for all.
A jump the socket cannot explain (a message lost between Redis and us, events dropped past the
inbox's bound) is passed on as it is, and the screen resyncs as before.
"""

from __future__ import annotations

import struct


class DeliveryLedger:
    def __init__(self) -> None:
        self._last_sent: dict[str, int] = {}
        self._superseded: dict[str, set[int]] = {}

    def baseline(self, group: str, seq: int) -> None:
        """The screen takes `seq` as its starting point (the "subscribed" answer)."""
        self._last_sent[group] = seq
        self._superseded.pop(group, None)

    def forget(self, group: str) -> None:
        self._last_sent.pop(group, None)
        self._superseded.pop(group, None)

    def wire_text(self, event: dict) -> str | None:
        """The text to send for a layer event, or None when the screen already has something newer."""
        text: str = event["text"]
        group, seq = event["group"], event.get("seq")
        if seq is None:
            return text
        superseded = self._superseded.setdefault(group, set())
        superseded.update(event.get("superseded") or ())
        last = self._last_sent.get(group)
        if last is not None and seq <= last:
            return None  # older than the screen's baseline: its snapshot holds it
        self._last_sent[group] = seq
        self._superseded[group] = {number for number in superseded if number > seq}
        if last is None or seq == last + 1:
            return text
        if all(number in superseded for number in range(last + 1, seq)):
            return f'{{"after": {last}, {text[1:]}'
        return text


def frame_for(event: dict, text: str) -> bytes | None:
    """The WebSocket frame of a layer event's text, encoded once for every socket that sends it as
    it is (kept in the event, which the channel layer shares between them); None for a text of
    this socket's own (with "after"), which the web server frames itself."""
    if text is not event["text"]:
        return None
    frame = event.get("frame")
    if frame is None:
        frame = event["frame"] = text_frame(text)
    return frame


def text_frame(text: str) -> bytes:
    """One complete, unfragmented, unmasked WebSocket text frame (RFC 6455 5.2), as a server sends it."""
    payload = text.encode("utf-8")
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload
