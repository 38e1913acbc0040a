from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from apps.accounts.selectors import sites_visible_to
from apps.live.groups import site_group
from apps.live.publisher import current_sequence
from apps.mirror.selectors import odoo_link_status
from apps.sites.selectors import site_shift_at
from apps.wall.selectors import board_for, next_board_slug, strips_for
from apps.wall.tiles import TILES, render_tile


def index(request):
    """Pick a site's wall (straight to it when the user has one site)."""
    sites = list(sites_visible_to(request.user))
    if len(sites) == 1:
        return redirect("wall:board", site_code=sites[0].code)
    return render(request, "wall/index.html", {"sites": sites})


def board(request, site_code: str, board_slug: str | None = None):
    """The wall display: readable from five metres, no scrolling, live, honest about freshness."""
    site = get_object_or_404(sites_visible_to(request.user), code=site_code)
    shown = board_for(site, board_slug)
    if shown is None:
        raise Http404("No such board for this site.")
    context = {
        "site": site,
        "board": shown,
        "tiles_html": [render_tile(key, site) for key in shown.tiles if key in TILES],
        "strips_html": [strip.render(site) for strip in strips_for(shown)],
        "odoo": odoo_link_status(),
        "now": timezone.now(),  # the clock's first second; wall.js ticks it in the site's zone
        "shift": site_shift_at(site, timezone.now()).name,
        "next_board": next_board_slug(site, shown),
        "live_groups": [site_group(site.code)],
        "app_version": settings.APP_VERSION,
    }
    return render(request, "wall/board.html", context)


def tile(request, site_code: str, key: str) -> HttpResponse:
    """One tile's current state (a snapshot after a reconnect or a missed message)."""
    site = get_object_or_404(sites_visible_to(request.user), code=site_code)
    if key not in TILES:
        raise Http404("No such tile.")
    seq = current_sequence(site_group(site.code))  # before rendering: later messages still apply
    response = HttpResponse(render_tile(key, site))
    response["X-Live-Seq"] = str(seq)
    response["Cache-Control"] = "no-store"
    return response
