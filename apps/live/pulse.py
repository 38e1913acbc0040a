"""The pulse: a small message to every site group every few seconds.

It travels the whole live path (beat → worker → Redis channel layer → Daphne → browser), so a
screen that stops receiving it knows its feed is broken and says so. It also carries the site's
headline (exceptions, deliveries at risk, decisions waiting), so the overview is never older than
one pulse.

The headline's counts belong to apps above this one (cases, approvals), so live does not compute
them: each app registers a contributor in SITE_HEADLINE from its AppConfig.ready (see
apps/core/registry.py), and the pulse merges what they return.
"""

from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.registry import Registry
from apps.live.groups import site_group
from apps.live.publisher import send_now
from apps.mirror.selectors import SHIPS_NEXT_WINDOW, odoo_link_status, outgoing_due
from apps.sites.models import Site

PULSE_EVENT = "pulse"


def pulse_element_id(site: Site) -> str:
    return f"pulse-{site.code}"


def render_site_pulse(site: Site, odoo_link: dict | None = None) -> str:
    """The pulse partial: the same template for the first page load and every live update."""
    now = timezone.now()
    odoo = odoo_link if odoo_link is not None else odoo_link_status()
    return render_to_string(
        "live/partials/site_pulse.html",
        {"site": site, "confirmed_at": now, "odoo": odoo, "headline": site_headline(site)},
    )


# A contributor returns its part of a site's headline: {"exceptions": 3, "critical": 1, ...}.
HeadlineContributor = Callable[[Site], dict[str, int]]
SITE_HEADLINE: Registry[HeadlineContributor] = Registry("site headline contributors")


def delivery_headline(site: Site) -> dict[str, int]:
    """What ships next: deliveries due within the window that are late or not ready."""
    due = outgoing_due(site.code, until=timezone.now() + SHIPS_NEXT_WINDOW, limit=0)
    return {"at_risk": due.at_risk, "late": due.late}


def site_headline(site: Site) -> dict[str, int]:
    """The three questions of the wall, as counts: what is on fire, what ships next, what waits."""
    headline: dict[str, int] = {}
    for contribute in SITE_HEADLINE:
        headline.update(contribute(site))
    return headline


def publish_site_pulses() -> int:
    """Send one pulse per active site (rendered once per site, whatever the number of viewers)."""
    sites = list(Site.objects.filter(is_active=True))
    odoo_link = odoo_link_status()
    for site in sites:
        send_now(
            site_group(site.code),
            PULSE_EVENT,
            {"site": site.code, "version": settings.APP_VERSION},
            html=render_site_pulse(site, odoo_link),
            target=pulse_element_id(site),
        )
    return len(sites)
