"""Times as read at a site: in the site's time zone, with the zone named, in the reader's language.

Storage is UTC; a manager in Brussels looking at Singapore must not take 14:05 for their own 14:05,
so every time on screen says whose it is: "14:05 (Singapore)". The browser's twin is siteTime() in
static/js/vocabulary.js; the template side is the `at_site` filter (templatetags/local_time.py).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.utils import formats, timezone

TIME_FORMAT = "H:i"  # 24-hour clock in every language we ship: a warehouse reads 14:05, not 2:05 PM
TIME_SECONDS_FORMAT = "H:i:s"
OTHER_DAY_FORMAT = "D d M H:i"  # day and month names come from the active language


def site_zone(site_or_zone) -> zoneinfo.ZoneInfo:
    """The zone of a Site, of a {"timezone": ...} dict (context packages) or of a zone name; UTC if unknown."""
    name = site_or_zone
    if isinstance(site_or_zone, dict):
        name = site_or_zone.get("timezone")
    elif hasattr(site_or_zone, "timezone"):
        name = site_or_zone.timezone
    try:
        return zoneinfo.ZoneInfo(str(name or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_city(zone: zoneinfo.ZoneInfo) -> str:
    """ "Europe/Brussels" -> "Brussels", "Asia/Singapore" -> "Singapore", "UTC" -> "UTC"."""
    return str(zone.key).split("/")[-1].replace("_", " ")


def at_site(moment: datetime | None, site_or_zone, *, seconds: bool = False, now: datetime | None = None) -> str:
    """'14:05 (Brussels)' for a moment of the site's today; another day adds it: 'Tue 01 Dec 14:05 (Brussels)'."""
    if moment is None:
        return "—"
    zone = site_zone(site_or_zone)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zoneinfo.ZoneInfo("UTC"))
    local = moment.astimezone(zone)
    today = (now or timezone.now()).astimezone(zone).date()
    if local.date() == today:
        text = formats.date_format(local, TIME_SECONDS_FORMAT if seconds else TIME_FORMAT)
    else:
        text = formats.date_format(local, OTHER_DAY_FORMAT)
    return f"{text} ({zone_city(zone)})"
