from celery import shared_task

from apps.live.pulse import publish_site_pulses


@shared_task(name="live.publish_pulse", soft_time_limit=10, time_limit=20, expires=10)
def publish_pulse() -> int:
    """Beat runs this every LIVE_HEARTBEAT_S seconds; a stale pulse is dropped (expires)."""
    return publish_site_pulses()
