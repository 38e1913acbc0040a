"""The shift-start summary on a seeded site: its content, stored once per shift, shown, and mailed to the on-call."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from apps.accounts.roles import Role
from apps.advisor.models import AdvisorName, AdvisorRun
from apps.advisor.services import advisor_setting_save
from apps.advisor.summary.services import shift_summaries_due, shift_summary_write
from apps.cases.detectors.base import kind_label
from apps.cases.models import SEVERITY_RANK, Case
from apps.docks.models import Appointment, DockDoor
from apps.escalation.models import Contact, OnCallSlot

SHIFT_START = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)  # Thursday 06:00 in Brussels: the early shift
NOW = SHIFT_START + timedelta(minutes=2)


def _case(site, kind, severity, *, opened, resolved=None):
    number = Case.objects.count() + 1
    return Case.objects.create(
        site=site, kind=kind, dedupe_key=f"test:{kind}:{number}", title=f"{kind} {number}", severity=severity,
        severity_rank=SEVERITY_RANK[severity], opened_at=opened, last_seen_at=opened,
        is_open=resolved is None, status="open" if resolved is None else "resolved", resolved_at=resolved,
    )  # fmt: skip


@pytest.fixture
def seeded(sites, make_request):
    bru = sites["BRU"]
    night = SHIFT_START - timedelta(hours=3)  # during the night shift (from 22:00 local)
    _case(bru, "late_receipt", "high", opened=night)
    _case(bru, "late_receipt", "high", opened=SHIFT_START - timedelta(days=2))
    _case(bru, "picking_late", "medium", opened=night)
    _case(bru, "aging_transfer", "low", opened=night - timedelta(hours=1), resolved=night)
    _case(sites["CHI"], "late_receipt", "critical", opened=night)  # another site: not in BRU's summary
    request = make_request()
    request.created_at = SHIFT_START - timedelta(hours=5, minutes=30)
    request.save(update_fields=["created_at"])
    ann = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ann Early", email="ann@example.com")
    OnCallSlot.objects.create(site=bru, role=Role.SUPERVISOR, weekday=3, shift_name="Early shift", contact=ann)
    return bru


def test_the_summary_tells_clusters_approvals_and_changes_since_the_last_shift(seeded):
    run = shift_summary_write(site=seeded, now=NOW)
    text = run.output["text"]
    assert text.splitlines()[0] == "Early shift at Brussels DC (BRU), from Thu 3 Dec 06:00."
    late_picking = kind_label("picking_late")
    assert f"Exceptions: 3 open — 2 × Late receipt (▲ High); 1 × {late_picking} (◆ Medium)." in text
    assert "Approvals: 1 waiting, 0 past its SLA; the oldest, Test request" in text and "has waited 5 h 32 min" in text
    assert "Since the Night shift (from Wed 2 Dec 22:00): 3 exceptions opened, 1 closed." in text
    assert "critical" not in text.lower()  # Chicago's case stays in Chicago
    facts = run.output["facts"]
    assert [(c["kind"], c["count"]) for c in facts["clusters"]] == [("late_receipt", 2), ("picking_late", 1)]
    assert (run.advisor, run.provider, run.site) == (AdvisorName.SHIFT_SUMMARY, "local", seeded)


def test_it_is_mailed_to_the_on_call_contact_once_per_shift(seeded):
    first = shift_summary_write(site=seeded, now=NOW)
    again = shift_summary_write(site=seeded, now=NOW + timedelta(minutes=5))
    assert first.pk == again.pk
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    assert message.subject == "Shift summary · BRU · Early shift Thu 3 Dec 06:00"
    assert "Approvals: 1 waiting" in message.body and "/advisor/summary/BRU/" in message.body
    assert first.output["emailed_to"] == ["ann@example.com"]


def test_without_anyone_on_call_it_is_stored_but_not_mailed(sites):
    run = shift_summary_write(site=sites["BRU"], now=NOW)
    assert "Exceptions: none open." in run.output["text"] and mail.outbox == []


def test_the_beat_sweep_writes_at_shift_start_only(seeded):
    assert shift_summaries_due(now=SHIFT_START + timedelta(hours=2)) == []  # mid-shift: nothing due
    written = shift_summaries_due(now=NOW)
    assert AdvisorRun.objects.filter(pk__in=written, site=seeded).count() == 1
    assert shift_summaries_due(now=NOW + timedelta(minutes=1)) == written  # once per shift


def test_the_external_model_may_rewrite_it_and_falls_back_on_nonsense(seeded, admin_user, chat_model):
    advisor_setting_save(
        site=seeded, advisor=AdvisorName.SHIFT_SUMMARY, actor=admin_user, external_provider_enabled=True
    )
    chat_model.answer({"summary": "Quiet night"})
    run = shift_summary_write(site=seeded, now=NOW)
    assert run.provider == "local (fallback from external)" and "too long" in run.error
    assert run.output["text"].startswith("Early shift at Brussels DC")
    assert "Test request" in chat_model.sent_text() and "Ann Early" not in chat_model.sent_text()


def test_the_summary_page_shows_the_latest_summary(seeded, client, supervisor, stranger):
    shift_summary_write(site=seeded, now=NOW)
    client.force_login(supervisor)
    page = client.get("/advisor/summary/BRU/")
    assert page.status_code == 200
    assert "Early shift at Brussels DC (BRU)" in page.content.decode()
    assert "mailed to 1 on-call contact" in page.content.decode()
    client.force_login(stranger)
    assert client.get("/advisor/summary/BRU/").status_code == 404


def test_late_trucks_are_the_docks_risk_of_the_summary(sites):
    bru = sites["BRU"]
    door = DockDoor.objects.create(site=bru, name="D1", direction="both", position=1)
    Appointment.objects.create(
        site=bru, door=door, direction="inbound", carrier="Rapid Freight", reference="BRU/IN/00077",
        planned_start=NOW - timedelta(minutes=45), planned_end=NOW + timedelta(minutes=15),
    )  # fmt: skip
    run = shift_summary_write(site=bru, now=NOW)
    docks = run.output["facts"]["docks"]
    assert (docks["available"], docks["late"], docks["overrun"]) == (True, 1, 0)
    assert "Docks: 1 truck late, 0 over their door time — " in run.output["text"]
    assert "late by 45 min" in run.output["text"]
