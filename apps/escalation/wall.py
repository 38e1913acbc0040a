"""The on-call strip for wall boards, offered to the wall through apps.live.strips (registered in apps.py)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from apps.escalation.selectors import on_call_at, on_call_roles
from apps.live.strips import WallStrip, strip_element_id
from apps.sites.models import Site


def render_on_call_strip(site: Site) -> str:
    """Who is on call now for each role in the site's calendar, with a phone number to call."""
    now = timezone.now()
    entries = [on_call_at(site, role, now) for role in on_call_roles(site)]
    return render_to_string(
        "escalation/wall_strip.html",
        {"element_id": strip_element_id("on_call", site.code), "entries": entries, "site": site},
    )


ON_CALL_STRIP = WallStrip(key="on_call", label="Who is on call", render=render_on_call_strip)
