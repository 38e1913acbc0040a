"""The pulse: a small message to every site group every few seconds.

It travels the whole live path (beat → worker → Redis channel layer → Daphne → browser), so a
screen that stops receiving it knows its feed is broken and says so.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from apps.live.groups import site_group
from apps.live.publisher import send_now
from apps.mirror.selectors import odoo_link_status
from apps.sites.models import Site

PULSE_EVENT = "pulse"


def pulse_element_id(site: Site) -> str:
    return f"pulse-{site.code}"


def render_site_pulse(site: Site, odoo_link: dict | None = None) -> str:
    """The pulse partial: the same template for the first page load and every live update."""
    now = timezone.now()
    return render_to_string(
        "live/partials/site_pulse.html",
        {"site": site, "confirmed_at": now, "odoo": odoo_link if odoo_link is not None else odoo_link_status()},
    )


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
