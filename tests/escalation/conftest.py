"""Escalation fixtures: contacts and a policy at Brussels, an unowned case, and a real local chat webhook receiver."""

import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.accounts.roles import Role
from apps.cases.models import SEVERITY_RANK, Case
from apps.escalation.models import Contact, EscalationLevel, EscalationPolicy, OnCallSlot
from tests.approvals.conftest import make_request, people, policies  # noqa: F401  approval fixtures, for test_approvals
from tests.servers import serve_in_background

OPENED = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Brussels (Early shift)


class WebhookReceiver:
    """A chat service's incoming webhook on a local port: records each POST, answers `status` (settable)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(json.loads(body or b"{}"))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/chat"

    def __enter__(self) -> "WebhookReceiver":
        serve_in_background(self.server)
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(autouse=True)
def fast_webhooks(settings):
    settings.ESCALATION_WEBHOOK_TIMEOUT_S = 2
    settings.ESCALATION_WEBHOOK_ATTEMPTS = 3
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]  # the local receiver; the guard refuses loopback otherwise
    settings.PUBLIC_BASE_URL = "https://tower.example.com"


@pytest.fixture
def contacts(sites, chat):
    bru = sites["BRU"]
    return {
        "ann": Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ann Early", email="ann@example.com"),
        "ben": Contact.objects.create(
            site=bru, role=Role.SUPERVISOR, name="Ben Late", email="ben@example.com", chat_webhook_url=chat.url
        ),
        "lea": Contact.objects.create(site=bru, role=Role.MANAGER, name="Lea Lead", email="lea@example.com"),
        "sue": Contact.objects.create(site=bru, role=Role.MANAGER, name="Sue Site", email="sue@example.com"),
    }


@pytest.fixture
def calendar(sites, contacts):
    """Wednesday at Brussels: Ann on the early shift, Ben on the late and night shifts."""
    bru = sites["BRU"]
    OnCallSlot.objects.create(
        site=bru, role=Role.SUPERVISOR, weekday=2, shift_name="Early shift", contact=contacts["ann"]
    )
    OnCallSlot.objects.create(
        site=bru, role=Role.SUPERVISOR, weekday=2, shift_name="Late shift", contact=contacts["ben"]
    )
    OnCallSlot.objects.create(
        site=bru, role=Role.SUPERVISOR, weekday=2, shift_name="Night shift", contact=contacts["ben"]
    )
    return bru


@pytest.fixture
def policy(sites, contacts, calendar):
    """Level 1 after 10 min: the supervisor on call; level 2 after 30 min: Lea; level 3 after 60 min: Sue."""
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=10, target_role=Role.SUPERVISOR)
    EscalationLevel.objects.create(policy=policy, number=2, delay_min=30, target_contact=contacts["lea"])
    EscalationLevel.objects.create(policy=policy, number=3, delay_min=60, target_contact=contacts["sue"])
    return policy


def make_case(site, *, opened_at=OPENED, kind="late_receipt", severity="high", title="Receipt WH/IN/00042 is late"):
    return Case.objects.create(
        site=site,
        kind=kind,
        dedupe_key=f"{kind}:{title}",
        title=title,
        severity=severity,
        severity_rank=SEVERITY_RANK[severity],
        opened_at=opened_at,
        last_seen_at=opened_at,
    )
