"""publish() numbers messages per group and sends them only after the transaction commits."""

import pytest
from django.db import transaction

from apps.core.redis import get_redis
from apps.live.publisher import SEQUENCE_KEY, current_sequence, publish
from tests.channels import ChannelListener

pytestmark = pytest.mark.django_db(transaction=True)


def test_messages_are_numbered_per_group():
    listener = ChannelListener("site.PUB")
    before = current_sequence("site.PUB")
    publish("case.changed", "PUB", {"case": 1}, html="<p id='x'>1</p>", target="x")
    publish("case.changed", "PUB", {"case": 2})
    first, second = listener.receive()["message"], listener.receive()["message"]
    assert (first["seq"], second["seq"]) == (before + 1, before + 2)
    assert first["data"] == {"case": 1} and first["html"] == "<p id='x'>1</p>" and first["target"] == "x"
    assert first["type"] == "event" and first["group"] == "site.PUB" and first["event"] == "case.changed"


def test_nothing_is_sent_before_commit_and_nothing_after_rollback():
    listener = ChannelListener("site.PUB")
    before = current_sequence("site.PUB")
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("case.changed", "PUB", {"case": "rolled back"})
        raise RuntimeError("decision failed")
    assert current_sequence("site.PUB") == before

    with transaction.atomic():
        publish("case.changed", "PUB", {"case": "committed"})
        assert current_sequence("site.PUB") == before  # not yet: still inside the transaction
    assert listener.receive()["message"]["data"] == {"case": "committed"}


def test_numbers_never_go_back_when_redis_loses_the_counter():
    """Redis restarted without its data: the next number jumps above every number sent before, so a
    screen sees a gap and resyncs at once, instead of ignoring new messages as old ones."""
    listener = ChannelListener("site.PUB")
    publish("case.changed", "PUB", {"case": "before the restart"})
    sent = listener.receive()["message"]["seq"]
    get_redis().delete(SEQUENCE_KEY.format(group="site.PUB"))

    assert current_sequence("site.PUB") > sent  # what a screen subscribing now takes as its baseline
    publish("case.changed", "PUB", {"case": "after the restart"})
    assert listener.receive()["message"]["seq"] > sent + 1
