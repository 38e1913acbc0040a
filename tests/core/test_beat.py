"""Only one beat sends periodic jobs; a standby takes over when the active one is gone."""

import time

from apps.core.beat import BeatLock


def test_second_beat_stands_by_until_the_first_lets_go():
    name = f"ct:test:beat:{time.monotonic_ns()}"
    first, second = BeatLock(name, ttl_s=30), BeatLock(name, ttl_s=30)
    assert first.hold() is True
    assert second.hold() is False
    assert first.hold() is True  # renewing keeps it
    first.release()
    assert second.hold() is True
    assert first.hold() is False


def test_a_dead_beat_loses_the_lock_when_it_expires():
    name = f"ct:test:beat:{time.monotonic_ns()}"
    dead, standby = BeatLock(name, ttl_s=1), BeatLock(name, ttl_s=1)
    assert dead.hold() is True
    assert standby.hold() is False
    time.sleep(1.2)  # the dead beat never renews
    assert standby.hold() is True
