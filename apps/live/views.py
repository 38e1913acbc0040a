"""The overview of the user's sites, and snapshots: the current state of a live partial, fetched on
first load, reconnect or a missed message."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.accounts.selectors import sites_visible_to
from apps.live.groups import site_group
from apps.live.publisher import current_sequence
from apps.live.pulse import render_site_pulse


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


def overview(request) -> HttpResponse:
    """The landing page: the user's sites, each with its live pulse."""
    sites = list(sites_visible_to(request.user))
    cards = [{"site": site, "pulse_html": render_site_pulse(site)} for site in sites]
    return render(
        request,
        "live/overview.html",
        {"cards": cards, "live_groups": [site_group(site.code) for site in sites]},
    )
