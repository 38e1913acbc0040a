"""Proof 1 of issue 16: every URL pattern, API endpoint and live group kind, as every kind of user,
against a declared table. A new endpoint without an entry in ROUTES fails the test.

Outcomes: "ok" (the check let them in: 2xx, 3xx elsewhere than the login page, or a 4xx about the
input such as 400/409), "login" (sent to sign in: 302 to the login page or 401), "denied" (403),
"hidden" (404: not on their sites, indistinguishable from not existing). A 5xx fails the test.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from apps.accounts.api_tokens import api_token_create
from apps.accounts.display_tokens import display_token_create, display_token_revoke
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.advisor.models import AdvisorName, Recommendation
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.services.intake import case_for_writeback_attention
from apps.docks.models import Appointment, AppointmentProposal, DockDoor
from apps.escalation.models import Contact, EscalationPolicy
from apps.integrations.services import subscription_create
from apps.live.access import can_subscribe
from apps.outbound.models import OutboundDelivery
from apps.outbound.services import Draft, deliveries_enqueue
from apps.writeback.models import OutboxEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # about ten seconds per kind of user

ANON = "anonymous"
SUPERVISOR, FINANCE, OPERATIONS, PROCUREMENT = "supervisor", "finance", "operations", "procurement"
MANAGER, ADMIN, DISPLAY, DISPLAY_ENDED = "manager", "admin", "display", "display_ended"
OTHER_SITE, STRANGER = "other_site", "stranger"  # a supervisor of CHI only; a supervisor of no site
PRINCIPALS = [ANON, SUPERVISOR, FINANCE, OPERATIONS, PROCUREMENT, MANAGER, ADMIN, DISPLAY, DISPLAY_ENDED, OTHER_SITE,
              STRANGER]  # fmt: skip

APPROVERS = {FINANCE, OPERATIONS, PROCUREMENT}
ACTING = {SUPERVISOR, MANAGER, ADMIN}
DESK = ACTING | APPROVERS
SIGNED_IN = DESK | {OTHER_SITE, STRANGER}  # everyone signed in but the displays
BRU_READERS = DESK  # may see a Brussels object (other_site and stranger get 404)
BRU_ACTING = ACTING  # may act on a Brussels case (approvers read cases, they do not work them)
NOBODY: set[str] = set()
DOCK_READING = {SUPERVISOR, MANAGER, ADMIN}  # of BRU (dock clerks too; the table has none)
DOCK_CLERKS = {SUPERVISOR, ADMIN}  # who records a truck's steps at BRU
DOCK_PLANNING = {SUPERVISOR, ADMIN}  # who moves or cancels BRU appointments
KPI_READERS = {MANAGER, ADMIN}

# route name -> (method, path template, who gets "ok"). Everyone else must get login, denied or hidden.
ROUTES: dict[str, tuple[str, str, set[str]]] = {
    "home": ("GET", "/", SIGNED_IN),
    "accounts:login": ("GET", "/accounts/login/", SIGNED_IN | {ANON}),
    "accounts:logout": ("POST", "/accounts/logout/", NOBODY),  # everyone lands on the sign-in page
    "javascript-catalog": ("GET", "/jsi18n/", SIGNED_IN | {ANON, DISPLAY}),  # the JS strings, public
    "accounts:preferences": ("GET", "/accounts/preferences/", SIGNED_IN),
    "accounts:language": ("POST", "/accounts/preferences/language/", SIGNED_IN),  # body: BODIES
    "live:site-pulse": ("GET", "/live/sites/BRU/pulse/", DESK | {DISPLAY}),
    "health:integration": ("GET", "/health/integration/", {MANAGER, ADMIN}),
    "health:outbox_pause": ("POST", "/health/integration/outbox/pause/", {ADMIN}),
    "health:outbox_resume": ("POST", "/health/integration/outbox/resume/", {ADMIN}),
    "readyz": ("GET", "/readyz", SIGNED_IN | {ANON, DISPLAY}),  # an ended display is refused everywhere
    "metrics": ("GET", "/metrics", {ADMIN}),
    "wall:index": ("GET", "/wall/", SIGNED_IN),
    "wall:board": ("GET", "/wall/BRU/", DESK | {DISPLAY}),
    "wall:tile": ("GET", "/wall/BRU/tiles/on_fire/", DESK | {DISPLAY}),
    "wall:board-named": ("GET", "/wall/BRU/floor/", DESK | {DISPLAY}),
    "cases:queue": ("GET", "/exceptions/", SIGNED_IN),
    "cases:rows": ("GET", "/exceptions/rows/", SIGNED_IN),
    "cases:bulk": ("POST", "/exceptions/bulk/", SIGNED_IN),
    "cases:detail": ("GET", "/exceptions/{case}/", BRU_READERS),
    "cases:panel": ("GET", "/exceptions/{case}/panel/", BRU_READERS),
    "cases:act": ("POST", "/exceptions/{case}/comment/", BRU_ACTING),
    "approvals:inbox": ("GET", "/approvals/", SIGNED_IN),
    "approvals:inbox-list": ("GET", "/approvals/inbox/list/", SIGNED_IN),
    "approvals:bulk-approve": ("POST", "/approvals/bulk-approve/", SIGNED_IN),
    "approvals:history": ("GET", "/approvals/history/", SIGNED_IN),
    "approvals:policies": ("GET", "/approvals/policies/", SIGNED_IN),
    "approvals:audit-export": ("GET", "/approvals/audit.csv", SIGNED_IN),
    "approvals:new": ("GET", "/approvals/new/inventory_adjustment/", SIGNED_IN),
    "approvals:detail": ("GET", "/approvals/{request}/", BRU_READERS),
    "approvals:panel": ("GET", "/approvals/{request}/panel/", BRU_READERS),
    "approvals:acknowledge": ("POST", "/approvals/{request}/acknowledge/", BRU_READERS),
    "approvals:decide": ("POST", "/approvals/{request}/decide/", BRU_READERS),
    "odoo-webhook": ("POST", "/api/v1/hooks/odoo/{secret}/", SIGNED_IN | {ANON}),  # the secret is the check
    "sync-status": ("GET", "/api/v1/integration/sync/", {MANAGER, ADMIN}),
    "writeback-outbox-list": ("GET", "/api/v1/writeback/outbox/", {MANAGER, ADMIN}),
    "writeback-outbox-detail": ("GET", "/api/v1/writeback/outbox/{entry}/", {MANAGER, ADMIN}),
    "writeback-outbox-retry": ("POST", "/api/v1/writeback/outbox/{entry}/retry/", {ADMIN}),
    "writeback-outbox-cancel": ("POST", "/api/v1/writeback/outbox/{entry}/cancel/", {ADMIN}),
    "case-list": ("GET", "/api/v1/cases/", SIGNED_IN),
    # Like the screen's bulk bar: any reader may call it; a case the caller may not act on comes back refused.
    "case-bulk": ("POST", "/api/v1/cases/bulk/", SIGNED_IN),
    "case-detail": ("GET", "/api/v1/cases/{case}/", BRU_READERS),
    "case-acknowledge": ("POST", "/api/v1/cases/{case}/acknowledge/", BRU_ACTING),
    "case-start": ("POST", "/api/v1/cases/{case}/start/", BRU_ACTING),
    "case-assign": ("POST", "/api/v1/cases/{case}/assign/", BRU_ACTING),
    "case-comment": ("POST", "/api/v1/cases/{case}/comment/", BRU_ACTING),
    "case-snooze": ("POST", "/api/v1/cases/{case}/snooze/", BRU_ACTING),
    "case-resolve": ("POST", "/api/v1/cases/{case}/resolve/", BRU_ACTING),
    "case-escalate": ("POST", "/api/v1/cases/{case}/escalate/", BRU_ACTING),
    "case-odoo-note": ("POST", "/api/v1/cases/{case}/odoo-note/", BRU_ACTING),
    "case-odoo-activity": ("POST", "/api/v1/cases/{case}/odoo-activity/", BRU_ACTING),
    "pick-failure-report": ("POST", "/api/v1/pick-failures/", ACTING | {OTHER_SITE, STRANGER}),
    "approvals-api-inbox": ("GET", "/api/v1/approvals/inbox/", SIGNED_IN),
    "approvals-api-requests": ("GET", "/api/v1/approvals/requests/", SIGNED_IN),
    "approvals-api-request": ("GET", "/api/v1/approvals/requests/{request}/", BRU_READERS),
    "approvals-api-decide": ("POST", "/api/v1/approvals/requests/{request}/decide/", BRU_READERS),
    "approvals-api-bulk": ("POST", "/api/v1/approvals/bulk-approve/", SIGNED_IN),
    "approvals-api-policies": ("GET", "/api/v1/approvals/policies/", SIGNED_IN),
    "approvals-api-delegations": ("POST", "/api/v1/approvals/delegations/", SIGNED_IN),
    "api-schema": ("GET", "/api/v1/schema/", SIGNED_IN),
    "api-docs": ("GET", "/api/v1/docs/", SIGNED_IN),
    "admin:index": ("GET", "/admin/", {ADMIN}),
    "connect:odoo": ("GET", "/settings/odoo/", {ADMIN}),
    "connect:warehouses": ("GET", "/settings/odoo/warehouses/", {ADMIN}),
    "connect:webhooks": ("GET", "/settings/odoo/webhooks/", {ADMIN}),  # a GET goes back to the settings page
    "connect:first-sync": ("GET", "/settings/odoo/first-sync/", {ADMIN}),  # a GET queues nothing
    # Docks: reading is for supervisors, managers, admins (and dock clerks); moving/cancelling for
    # supervisors and admins; the clerk's steps for clerks, supervisors and admins. A site's pages and
    # appointments are hidden from anyone not on that site.
    "docks:index": ("GET", "/docks/", DOCK_READING | {OTHER_SITE, STRANGER}),  # their own first site, or none
    "docks:timeline": ("GET", "/docks/{site}/", DOCK_READING),
    "docks:board": ("GET", "/docks/{site}/board/", DOCK_READING),
    "docks:clerk": ("GET", "/docks/{site}/clerk/", DOCK_CLERKS),
    "docks:clerk-list": ("GET", "/docks/{site}/clerk/list/", DOCK_CLERKS),
    "docks:move": ("POST", "/docks/appointments/{appointment}/move/", DOCK_PLANNING),
    "docks:record": ("POST", "/docks/appointments/{appointment}/arrive/", DOCK_CLERKS),
    "docks:cancel": ("POST", "/docks/appointments/{appointment}/cancel/", DOCK_PLANNING),
    "docks:proposal-decide": ("POST", "/docks/proposals/{proposal}/dismiss/", DOCK_PLANNING),
    "docks:proposals-accept-day": ("POST", "/docks/{site}/proposals/accept-day/", DOCK_PLANNING),
    "dock-door-list": ("GET", "/api/v1/docks/doors/", DOCK_READING | {OTHER_SITE, STRANGER}),  # their sites' doors
    "dock-appointment-list": ("GET", "/api/v1/docks/appointments/", DOCK_READING | {OTHER_SITE, STRANGER}),
    "dock-appointment-detail": ("GET", "/api/v1/docks/appointments/{appointment}/", DOCK_READING),
    "dock-appointment-move": ("POST", "/api/v1/docks/appointments/{appointment}/move/", DOCK_PLANNING),
    "dock-appointment-cancel": ("POST", "/api/v1/docks/appointments/{appointment}/cancel/", DOCK_PLANNING),
    "dock-appointment-arrive": ("POST", "/api/v1/docks/appointments/{appointment}/arrive/", DOCK_CLERKS),
    "dock-appointment-on-door": ("POST", "/api/v1/docks/appointments/{appointment}/on-door/", DOCK_CLERKS),
    "dock-appointment-start": ("POST", "/api/v1/docks/appointments/{appointment}/start/", DOCK_CLERKS),
    "dock-appointment-off-door": ("POST", "/api/v1/docks/appointments/{appointment}/off-door/", DOCK_CLERKS),
    "dock-appointment-depart": ("POST", "/api/v1/docks/appointments/{appointment}/depart/", DOCK_CLERKS),
    # Any planner may ask; the empty body is refused as input (400), a site not theirs likewise.
    "dock-slot-find": ("POST", "/api/v1/docks/slots/find/", {SUPERVISOR, ADMIN, OTHER_SITE, STRANGER}),
    # KPIs: managers and admins, at the sites they may see.
    "kpis:overview": ("GET", "/kpis/", KPI_READERS),
    "kpis:detail": ("GET", "/kpis/{kpi}/?site={site}", KPI_READERS),
    "kpis:target": ("POST", "/kpis/{kpi}/target/", KPI_READERS),  # body: BRU's target (see BODIES)
    "kpis:per-person": ("POST", "/kpis/per-person/", {ADMIN}),  # figures per approver at BRU on/off (BODIES)
    "kpis-api-definitions": ("GET", "/api/v1/kpis/", KPI_READERS),
    "kpis-api-series": ("GET", "/api/v1/kpis/{kpi}/series/?site={site}", KPI_READERS),
    "kpis-api-target": ("PUT", "/api/v1/kpis/{kpi}/target/", KPI_READERS),  # body: BRU's target (see BODIES)
    # Escalation: the settings screen is for admins; the API reads for desk roles at their sites.
    "escalation:settings": ("GET", "/settings/escalation/", {ADMIN}),
    "escalation:contact-new": ("GET", "/settings/escalation/contacts/new/", {ADMIN}),
    "escalation:contact-edit": ("GET", "/settings/escalation/contacts/{contact}/", {ADMIN}),
    "escalation:contact-test": ("POST", "/settings/escalation/contacts/{contact}/test/", {ADMIN}),
    "escalation:slot-set": ("POST", "/settings/escalation/calendar/", {ADMIN}),
    "escalation:override-add": ("POST", "/settings/escalation/overrides/", {ADMIN}),
    "escalation:rotation-set": ("POST", "/settings/escalation/rotations/", {ADMIN}),
    "escalation:holiday-add": ("POST", "/settings/escalation/holidays/", {ADMIN}),
    "escalation:holiday-remove": ("POST", "/settings/escalation/holidays/remove/", {ADMIN}),
    "escalation:policy-rules": ("POST", "/settings/escalation/policies/{policy}/rules/", {ADMIN}),
    "escalation-api-on-call": ("GET", "/api/v1/escalation/on-call/?site={site}", SIGNED_IN),  # others: an empty list
    "escalation-api-contacts": ("GET", "/api/v1/escalation/contacts/", SIGNED_IN),
    "escalation-api-contact": ("GET", "/api/v1/escalation/contacts/{contact}/", BRU_READERS),
    "escalation-api-calendar": ("GET", "/api/v1/escalation/calendar/", SIGNED_IN),
    "escalation-api-policies": ("GET", "/api/v1/escalation/policies/", SIGNED_IN),
    "escalation-api-policy": ("PATCH", "/api/v1/escalation/policies/{policy}/", {ADMIN}),
    "escalation-api-rotations": ("GET", "/api/v1/escalation/rotations/", SIGNED_IN),
    "escalation-api-holidays": ("GET", "/api/v1/escalation/holidays/", SIGNED_IN),
    # API tokens: everyone signed in but displays manages their own; admins everyone's (the token is the supervisor's).
    "api_tokens:index": ("GET", "/settings/tokens/", SIGNED_IN),
    "api_tokens:revoke": ("POST", "/settings/tokens/{token}/revoke/", {SUPERVISOR, ADMIN}),
    "api-token-list": ("GET", "/api/v1/tokens/", SIGNED_IN),
    "api-token-revoke": ("POST", "/api/v1/tokens/{token}/revoke/", {SUPERVISOR, ADMIN}),
    # Outbound webhooks and deliveries (issue 21): admins only (the subscription is Brussels', the dead letter its).
    "integrations:settings": ("GET", "/settings/integrations/", {ADMIN}),
    "integrations:test": ("POST", "/settings/integrations/subscriptions/{subscription}/test/", {ADMIN}),
    "integrations:toggle": ("POST", "/settings/integrations/subscriptions/{subscription}/toggle/", {ADMIN}),
    "integrations:rotate": ("POST", "/settings/integrations/subscriptions/{subscription}/rotate/", {ADMIN}),
    "integrations:replay": ("POST", "/settings/integrations/deliveries/{delivery}/replay/", {ADMIN}),
    "webhook-api-subscriptions": ("GET", "/api/v1/webhooks/subscriptions/", {ADMIN}),
    "webhook-api-subscription": ("GET", "/api/v1/webhooks/subscriptions/{subscription}/", {ADMIN}),
    "webhook-api-rotate-secret": ("POST", "/api/v1/webhooks/subscriptions/{subscription}/rotate-secret/", {ADMIN}),
    "webhook-api-test": ("POST", "/api/v1/webhooks/subscriptions/{subscription}/test/", {ADMIN}),
    "webhook-api-subscription-deliveries": (
        "GET",
        "/api/v1/webhooks/subscriptions/{subscription}/deliveries/",
        {ADMIN},
    ),
    "webhook-api-deliveries": ("GET", "/api/v1/webhooks/deliveries/", {ADMIN}),
    "webhook-api-replay": ("POST", "/api/v1/webhooks/deliveries/{delivery}/replay/", {ADMIN}),
    # Preferences and the installable web app (issue 24).
    "accounts:shortcuts": ("POST", "/accounts/preferences/shortcuts/", SIGNED_IN),  # body: BODIES
    "web-manifest": ("GET", "/manifest.webmanifest", SIGNED_IN | {ANON, DISPLAY}),
    # Advisors (issue 22): desk people read and decide recommendations on their sites; managers read the log.
    "advisor:page": ("GET", "/advisor/", {MANAGER, ADMIN}),
    "advisor:panel": ("GET", "/advisor/panel/?key=matrix", DESK | {OTHER_SITE, STRANGER}),  # others: an empty panel
    "advisor:accept": ("POST", "/advisor/recommendations/{recommendation}/accept/", BRU_READERS),
    "advisor:reject": ("POST", "/advisor/recommendations/{recommendation}/reject/", BRU_READERS),
    "advisor_settings:settings": ("GET", "/settings/advisor/", {ADMIN}),
    "advisor_text:triage-index": ("GET", "/advisor/triage/", DESK | {OTHER_SITE}),  # their first site; none: 404
    "advisor_text:triage": ("GET", "/advisor/triage/BRU/", DESK),
    "advisor_text:triage-decide": ("POST", "/advisor/triage/BRU/{triage}/", DESK),
    "advisor_text:summary-index": ("GET", "/advisor/summary/", DESK | {OTHER_SITE}),
    "advisor_text:summary": ("GET", "/advisor/summary/BRU/", DESK),
    "advisor-api-recommendations": ("GET", "/api/v1/advisor/recommendations/", SIGNED_IN),  # their sites' only
    "advisor-api-accept": ("POST", "/api/v1/advisor/recommendations/{recommendation}/accept/", BRU_READERS),
    "advisor-api-reject": ("POST", "/api/v1/advisor/recommendations/{recommendation}/reject/", BRU_READERS),
    "advisor-api-runs": ("GET", "/api/v1/advisor/runs/", {MANAGER, ADMIN}),
    "advisor-triage": ("POST", "/api/v1/advisor/triage/", DESK),  # body: BRU's message (see BODIES)
}

# Routes whose check reads the body: what to send (form-encoded for screens, JSON for the API).
BODIES: dict[str, tuple[dict, str]] = {
    "kpis:target": ({"site": "BRU", "value": "30"}, "application/x-www-form-urlencoded"),
    "kpis:per-person": ({"site": "BRU", "enabled": "off"}, "application/x-www-form-urlencoded"),
    "kpis-api-target": ({"site": "BRU", "value": 1800}, "application/json"),
    "accounts:shortcuts": ({"enabled": "0"}, "application/x-www-form-urlencoded"),
    "accounts:language": ({"language": "en"}, "application/x-www-form-urlencoded"),
    "advisor:reject": ({"reason": "Not now"}, "application/x-www-form-urlencoded"),
    "advisor-api-reject": ({"reason": "Not now"}, "application/json"),
    "advisor_text:triage-decide": ({"decision": "reject", "reason": "Not now"}, "application/x-www-form-urlencoded"),
    "advisor-triage": ({"site": "BRU", "message": "Truck delayed two hours at the border"}, "application/json"),
}

# Live groups a client may ask for, by kind: who may subscribe ({me} is the asking user's own id).
GROUPS: dict[str, tuple[str, set[str]]] = {
    "site": ("site.BRU", DESK | {DISPLAY}),
    "site (another)": ("site.CHI", {ADMIN, OTHER_SITE}),
    "board": ("board.BRU.floor", DESK | {DISPLAY}),
    "user (own)": ("user.{me}", SIGNED_IN | {DISPLAY}),
    "user (someone else)": ("user.{other}", NOBODY),
    "sockets (control group)": ("sockets.{me}", NOBODY),
    "display (control group)": ("display.1", NOBODY),
    "unknown kind": ("orders.BRU", NOBODY),
}


def url_names() -> set[str]:
    """Every named route of the project (the admin counted once, as its index)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    yield "admin:index"
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"

    return set(walk(get_resolver().url_patterns))


def test_every_route_has_an_entry_in_the_table():
    missing = url_names() - set(ROUTES)
    assert not missing, f"Declare who may use these routes in ROUTES: {sorted(missing)}"
    assert not set(ROUTES) - url_names(), "ROUTES names routes that no longer exist"


def _outcome(response) -> str:
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:300]!r}"
    if status == 302 and "/login/" in response["Location"]:  # ours or the admin's sign-in page
        return "login"
    if status == 401:
        return "login"
    if status == 403:
        return "denied"
    if status == 404:
        return "hidden"
    assert status != 405, "the table names the wrong method"
    return "ok"


@pytest.fixture
def world(sites, supervisor, approver, manager, admin_user, stranger):
    ensure_default_policies()
    people = {
        SUPERVISOR: supervisor,
        FINANCE: approver,
        OPERATIONS: user_upsert(username="oli.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS],
                                sites=[sites["BRU"]]),
        PROCUREMENT: user_upsert(username="pat.proc", password=PASSWORD, roles=[Role.APPROVER_PROCUREMENT],
                                 sites=[sites["BRU"]]),
        MANAGER: manager,
        ADMIN: admin_user,
        OTHER_SITE: user_upsert(username="cora.chicago", password=PASSWORD, roles=[Role.SUPERVISOR],
                                sites=[sites["CHI"]]),
        STRANGER: stranger,
    }  # fmt: skip
    cookies = {}
    for name, user in people.items():
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    for name in (DISPLAY, DISPLAY_ENDED):
        token, raw = display_token_create(site=sites["BRU"], board="floor", name=name, created_by=admin_user)
        client = Client()
        client.get(f"/wall/BRU/?token={raw}")
        cookies[name] = client.cookies["sessionid"].value
        people[name] = token.user
        if name == DISPLAY_ENDED:
            display_token_revoke(token=token, revoked_by=admin_user)
    entry = OutboxEntry.objects.create(
        operation="post_note", odoo_model="stock.picking", odoo_id=5, idempotency_key="matrix", cause_type="approval",
        cause_id="1", site_code="BRU", status=OutboxEntry.Status.NEEDS_ATTENTION, last_error="refused",
    )  # fmt: skip
    case = case_for_writeback_attention(entry)
    request = request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE, site=sites["BRU"], odoo_model="stock.picking", odoo_id=9,
            title="Matrix", dedupe_key="matrix", facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0,
            "credit_ok": False}, raised_by_rule="test",
        )
    )  # fmt: skip
    door = DockDoor.objects.create(site=sites["BRU"], name="D1", direction="both")
    start = timezone.now() + timedelta(hours=2)
    appointment = Appointment.objects.create(
        site=sites["BRU"], door=door, direction="inbound", planned_start=start, planned_end=start + timedelta(hours=1)
    )
    proposal = AppointmentProposal.objects.create(
        site=sites["BRU"], door=door, direction="inbound", group_key="matrix", picking_odoo_ids=[5],
        planned_start=start + timedelta(hours=3), planned_end=start + timedelta(hours=4),
    )  # fmt: skip
    contact = Contact.objects.create(site=sites["BRU"], role=Role.SUPERVISOR, name="Matrix", email="m@example.com")
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    token = api_token_create(user=supervisor, name="Matrix", scopes=["read"], created_by=supervisor).token
    subscription = subscription_create(
        name="Matrix", url="https://93.184.215.14/hooks", event_types=["case.opened"], site=sites["BRU"], actor=None
    ).subscription
    (delivery,) = deliveries_enqueue(drafts=[Draft(source="webhook", url=subscription.url, body={}, site_code="BRU",
                                                   source_ref=str(subscription.pk))])  # fmt: skip
    OutboundDelivery.objects.filter(pk=delivery).update(state="dead")
    recommendation, triage = (
        Recommendation.objects.create(advisor=advisor, version="matrix", site=sites["BRU"], title="Matrix",
                                      dedupe_key=f"matrix:{advisor}", subject_key="matrix")
        for advisor in (AdvisorName.PRIORITY, AdvisorName.MESSAGE_TRIAGE)
    )  # fmt: skip
    objects = {"case": case.pk, "recommendation": recommendation.pk, "triage": triage.pk, "request": request.pk,
               "entry": entry.pk, "secret": settings.ODOO_WEBHOOK_SECRET, "appointment": appointment.pk,
               "proposal": proposal.pk, "contact": contact.pk, "token": token.pk,
               "kpi": "exception_aging", "site": "BRU", "subscription": subscription.pk, "delivery": delivery,
               "policy": policy.pk}  # fmt: skip
    return people, cookies, objects


def _client(cookies: dict, principal: str) -> Client:
    client = Client()
    if principal != ANON:
        client.cookies["sessionid"] = cookies[principal]
    return client


@pytest.mark.parametrize("principal", PRINCIPALS)  # a test per kind of user: its own world, spread over workers
def test_every_route_as_every_kind_of_user_matches_the_table(world, principal):
    _, cookies, objects = world
    wrong = []
    # logout last: it ends the session the other rows use
    for name, (method, template, allowed) in sorted(ROUTES.items(), key=lambda item: item[0] == "accounts:logout"):
        path = template.format(**objects)
        client = _client(cookies, principal)  # a fresh client each time: no cookie carried from one row to the next
        data, content_type = BODIES.get(name, ({}, "application/json"))
        if method == "GET":
            response = client.get(path)
        elif content_type == "application/json":
            response = client.generic(method, path, json.dumps(data), content_type=content_type)
        else:
            response = client.generic(method, path, urlencode(data), content_type=content_type)
        outcome = _outcome(response)
        if (outcome == "ok") != (principal in allowed):
            wrong.append(f"{name} {method} {path} as {principal}: {outcome} ({response.status_code})")
    assert not wrong, "\n".join(wrong)


def test_every_live_group_kind_as_every_kind_of_user_matches_the_table(world):
    people, _, _ = world
    anyone_else = people[ADMIN].pk + 1000
    wrong = []
    for kind, (template, allowed) in GROUPS.items():
        for principal, user in people.items():
            group = template.format(me=user.pk, other=anyone_else)
            user.refresh_from_db()
            if can_subscribe(user, group) != (principal in allowed):
                wrong.append(f"{kind} {group} as {principal}")
    assert not wrong, "\n".join(wrong)
