"""The overview's site headline, carried by every pulse: the wall's three questions as counts."""

from datetime import timedelta

from django.utils import timezone

from apps.cases.models import Case, Severity
from apps.live.pulse import render_site_pulse, site_headline
from tests.cases.factories import make_picking, make_site_world


def open_case(site, severity, *, past_sla=False, key):
    now = timezone.now()
    return Case.objects.create(
        site=site, kind="late_receipt", dedupe_key=key, title=key, severity=severity, opened_at=now,
        last_seen_at=now, sla_due_at=now + timedelta(minutes=-5 if past_sla else 30),
    )  # fmt: skip


def test_headline_counts_only_its_own_site(sites):
    open_case(sites["BRU"], Severity.CRITICAL, past_sla=True, key="a")
    open_case(sites["BRU"], Severity.MEDIUM, key="b")
    open_case(sites["CHI"], Severity.CRITICAL, key="c")
    bru = make_site_world("BRU")
    make_site_world("CHI")
    now = timezone.now()
    make_picking(bru, state="assigned", scheduled_date=now - timedelta(minutes=20))  # late, though picked
    make_picking(bru, state="confirmed", scheduled_date=now + timedelta(minutes=40))  # not ready, due soon
    make_picking(bru, state="assigned", scheduled_date=now + timedelta(minutes=50))  # ready: on track
    make_picking(bru, state="confirmed", scheduled_date=now + timedelta(hours=5))  # beyond the window

    headline = site_headline(sites["BRU"])

    assert headline["exceptions"] == 2 and headline["critical"] == 1 and headline["exceptions_past_sla"] == 1
    assert headline["at_risk"] == 2 and headline["late"] == 1
    assert headline["decisions"] == 0


def test_pulse_shows_the_headline_with_links_and_words_not_only_colour(sites):
    open_case(sites["BRU"], Severity.CRITICAL, past_sla=True, key="a")
    html = render_site_pulse(sites["BRU"])
    assert "1</strong> open exception</a>" in html
    assert "1 critical · 1 past SLA" in html
    assert "/exceptions/?site=BRU" in html
    assert "✔ all on track for 2 h" in html  # no deliveries due
    assert "headline__item--bad" in html
