from django.shortcuts import render

from apps.live.groups import site_group
from apps.live.pulse import render_site_pulse
from apps.sites.selectors import sites_visible_to


def overview(request):
    """The landing page: the user's sites, each with its live pulse."""
    sites = list(sites_visible_to(request.user))
    cards = [{"site": site, "pulse_html": render_site_pulse(site)} for site in sites]
    return render(
        request,
        "core/overview.html",
        {"cards": cards, "live_groups": [site_group(site.code) for site in sites]},
    )
