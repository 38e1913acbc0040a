"""Celery application: JSON-only, time-limited tasks, schedule kept in the database."""

import logging
import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")

logger = logging.getLogger(__name__)


def _restore_unacked_survives_a_lost_broker() -> None:
    """When Redis goes away, kombu (5.7) closes the worker's channel and first puts the messages it
    holds unacknowledged back on the queue; with the broker connection already gone that raises
    AttributeError ('NoneType' object has no attribute 'hostname') and the worker's consumer never
    reconnects: the worker stays up and consumes nothing (celery/celery#10205; seen in our fault
    suite as a sync and an outbox that stopped). Skipping the restore there loses nothing: the
    messages stay in kombu's unacked set and return through the visibility timeout, and a Redis
    that restarted empty has no queue to put them back on anyway."""
    original = kombu_redis.QoS.restore_unacked
    if getattr(original, "survives_lost_broker", False):
        return

    def restore_unacked(self, client=None):
        try:
            return original(self, client)
        except AttributeError:
            if getattr(self.channel.connection, "client", None) is not None:
                raise  # not the lost-broker case
            logger.warning("broker lost while restoring unacknowledged messages; left to the visibility timeout")
            return None

    restore_unacked.survives_lost_broker = True  # type: ignore[attr-defined]
    setattr(kombu_redis.QoS, "restore_unacked", restore_unacked)  # noqa: B010 (mypy refuses a method assignment)


_restore_unacked_survives_a_lost_broker()

app = Celery("controltower")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
