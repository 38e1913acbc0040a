"""A worker whose broker vanished keeps going: closing its channel must not raise while putting
unacknowledged messages back (kombu's restore needs a connection that is already gone)."""

from __future__ import annotations

import pytest
from kombu import Connection

import controltower.celery  # noqa: F401  (installs the guard, as every worker does)


def test_closing_a_channel_after_the_broker_connection_is_gone_does_not_raise(settings):
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel = connection.channel()
        channel.qos._delivered["tag-1"] = ("message", "exchange", "routing-key")  # held unacknowledged
        channel.connection.client = None  # what kombu leaves when Redis went away
        channel.qos.restore_unacked()  # raised AttributeError before the guard


def test_other_errors_while_restoring_still_raise(settings, monkeypatch):
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel = connection.channel()

        def broken(*args, **kwargs):
            raise AttributeError("a real bug")

        monkeypatch.setattr(channel, "conn_or_acquire", broken)
        with pytest.raises(AttributeError, match="a real bug"):
            channel.qos.restore_unacked()
