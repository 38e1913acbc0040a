"""Snapshots: the current state of a live partial, fetched on first load, reconnect or a missed message."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from apps.live.groups import site_group
from apps.live.publisher import current_sequence
from apps.live.pulse import render_site_pulse
from apps.sites.selectors import sites_visible_to


def site_pulse(request, site_code: str) -> HttpResponse:
    site = get_object_or_404(sites_visible_to(request.user), code=site_code)
    group = site_group(site.code)
    # Read the sequence before rendering: a message sent while we render is newer and still applies.
    seq = current_sequence(group)
    response = HttpResponse(render_site_pulse(site))
    response["X-Live-Group"] = group
    response["X-Live-Seq"] = str(seq)
    response["Cache-Control"] = "no-store"
    return response
