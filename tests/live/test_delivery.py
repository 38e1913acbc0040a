"""The per-socket ledger: a jump made by conflation is vouched for, a loss is passed on as a gap."""

import json

from apps.live.delivery import DeliveryLedger, frame_for, text_frame


def layer_event(seq: int, superseded: list[int] | None = None, group: str = "site.BRU") -> dict:
    event = {"group": group, "seq": seq, "text": json.dumps({"type": "event", "group": group, "seq": seq})}
    if superseded:
        event["superseded"] = superseded
    return event


def wire(ledger: DeliveryLedger, event: dict) -> dict | None:
    text = ledger.wire_text(event)
    return None if text is None else json.loads(text)


def test_the_next_message_in_order_goes_out_unchanged():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    event = layer_event(11)
    assert ledger.wire_text(event) == event["text"]


def test_a_jump_over_replaced_tiles_says_which_message_came_before():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    message = wire(ledger, layer_event(14, superseded=[11, 12, 13]))
    assert message == {"after": 10, "type": "event", "group": "site.BRU", "seq": 14}


def test_a_jump_over_a_message_that_never_arrived_is_left_for_the_screen_to_repair():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    message = wire(ledger, layer_event(14, superseded=[11, 13]))  # 12 was lost on the way
    assert "after" not in message


def test_a_replacement_told_ahead_of_its_message_still_counts():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    # 11 and 13 (a tile) were replaced by 14, still queued behind 12 (a toast).
    assert wire(ledger, layer_event(12, superseded=[11, 13]))["after"] == 10
    assert wire(ledger, layer_event(14))["after"] == 12  # and 13, told earlier, still explains this jump


def test_messages_older_than_the_baseline_are_not_sent():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    assert ledger.wire_text(layer_event(9)) is None
    assert ledger.wire_text(layer_event(10)) is None


def test_groups_are_counted_apart():
    ledger = DeliveryLedger()
    ledger.baseline("site.BRU", 10)
    ledger.baseline("user.7", 3)
    assert "after" not in wire(ledger, layer_event(4, group="user.7"))
    assert wire(ledger, layer_event(12, superseded=[11]))["after"] == 10


def unframe(frame: bytes) -> tuple[int, str]:
    """(first byte, text) of an unmasked server frame, read as a client does (RFC 6455 5.2)."""
    first, length, offset = frame[0], frame[1], 2
    assert not length & 0x80  # a server never masks
    if length == 126:
        length, offset = int.from_bytes(frame[2:4], "big"), 4
    elif length == 127:
        length, offset = int.from_bytes(frame[2:10], "big"), 10
    assert len(frame) == offset + length
    return first, frame[offset:].decode("utf-8")


def test_a_text_frame_of_any_size_reads_back_as_the_text():
    for size in (0, 125, 126, 65_535, 65_536, 200_000):
        text = "é" * (size // 2) + "x" * (size % 2)  # multi-byte: lengths are counted in bytes
        first, read = unframe(text_frame(text))
        assert (first, read) == (0x81, text)  # FIN, text opcode


def test_the_frame_is_made_once_for_the_shared_text_and_never_for_a_sockets_own():
    event = layer_event(11)
    frame = frame_for(event, event["text"])
    assert frame is not None and unframe(frame)[1] == event["text"]
    assert frame_for(event, event["text"]) is frame  # cached in the shared event
    assert frame_for(event, '{"after": 9, ' + event["text"][1:]) is None  # this socket's own bytes
