"""Keep walls current: re-render a tile once per change (coalesced), publish it to the site group."""

from __future__ import annotations

import time

from celery import current_app

from apps.core.redis import get_redis
from apps.live.groups import site_group
from apps.live.publisher import send_now
from apps.live.strips import WALL_STRIPS, strip_element_id
from apps.mirror.changes import ChangeSet
from apps.mirror.selectors import picking_site_codes
from apps.sites.models import Site
from apps.wall.tiles import TILES, render_tile, tile_element_id

REFRESH_TASK = "wall.refresh_tile"
# Changes within this window share one render. It bounds how long a change waits before it is
# rendered, so it is most of the wall's latency budget (500 ms at p99): screens that fall behind
# are protected by conflation (apps/live/layer.py), not by rendering less often.
COALESCE_S = 0.2


def request_tile_refresh(site_code: str, key: str) -> None:
    """Ask for a re-render soon; many requests within COALESCE_S make one render."""
    if get_redis().set(f"ct:wall:pending:{site_code}:{key}", 1, nx=True, px=int(COALESCE_S * 1000)):
        current_app.send_task(REFRESH_TASK, args=(site_code, key), countdown=COALESCE_S)


def tile_publish(site_code: str, key: str) -> None:
    """Render the tile now and send it to every screen of the site."""
    site = Site.objects.filter(code=site_code, is_active=True).first()
    if site is None or key not in TILES:
        return
    element_id = tile_element_id(key, site_code)
    # rendered_at: everything committed before this instant is in the tile (screens and probes can tell).
    rendered_at_ms = time.time() * 1000
    html = render_tile(key, site)
    send_now(
        site_group(site_code), "tile", {"tile": key, "rendered_at_ms": rendered_at_ms}, html=html, target=element_id
    )


def refresh_tiles_for_changes(changes: ChangeSet) -> None:
    """Change-set subscriber: transfers changed → the sites' "what ships next" tiles."""
    if changes.odoo_model != "stock.picking":
        return
    changed = [*changes.created, *changes.updated, *changes.deleted]
    for site_code in set(picking_site_codes(changed).values()):
        request_tile_refresh(site_code, "ships_next")


def refresh_tiles_for_published(event: str, site_code: str | None, payload: dict) -> None:
    """Publish listener: a case, an approval request or a dock appointment changed on a site → that site's tile."""
    if not site_code:
        return
    if event.startswith("case"):
        request_tile_refresh(site_code, "on_fire")  # "at_risk" follows the clock (the advisor ranks every 5 min)
    elif event.startswith("approval"):
        request_tile_refresh(site_code, "decisions")
    elif event.startswith("dock"):
        request_tile_refresh(site_code, "docks")


def refresh_time_based_tiles() -> int:
    """Minutes-left and SLA ages move with the clock: re-render every tile of every site."""
    sites = list(Site.objects.filter(is_active=True).values_list("code", flat=True))
    for site_code in sites:
        for key in TILES:
            tile_publish(site_code, key)
        strips_publish(site_code)
    return len(sites)


def strips_publish(site_code: str) -> None:
    """Re-render every offered strip (who is on call changes with the shift) for the site's screens."""
    site = Site.objects.filter(code=site_code, is_active=True).first()
    if site is None:
        return
    for strip in WALL_STRIPS:
        send_now(
            site_group(site_code),
            "strip",
            {"strip": strip.key},
            html=strip.render(site),
            target=strip_element_id(strip.key, site_code),
        )
