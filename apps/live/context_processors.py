from django.conf import settings


def live_settings(request) -> dict:
    """Timings the browser's live.js needs (rendered as data attributes on <body>)."""
    return {"live_heartbeat_s": settings.LIVE_HEARTBEAT_S, "live_stale_after_s": settings.LIVE_STALE_AFTER_S}
