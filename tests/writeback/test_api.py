"""The outbox API and admin: who may list, inspect, retry and cancel; filters; OpenAPI."""

import itertools

import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.writeback.models import OutboxEntry

pytestmark = pytest.mark.django_db
Status = OutboxEntry.Status
LIST = reverse("writeback-outbox-list")


SERIAL = itertools.count(1)


def entry(site_code: str = "BRU", status: str = Status.NEEDS_ATTENTION, operation: str = "post_message"):
    number = next(SERIAL)
    return OutboxEntry.objects.create(
        operation=operation,
        odoo_model="stock.picking",
        odoo_id=10 + number,
        arguments={"body": "x"},
        idempotency_key=f"api-{number}",
        cause_type="approval",
        cause_id=str(number),
        site_code=site_code,
        status=status,
        last_error="Odoo refused it" if status == Status.NEEDS_ATTENTION else "",
    )


def url(name: str, pk: int) -> str:
    return reverse(f"writeback-outbox-{name}", args=[pk])


@pytest.mark.parametrize(
    ("who", "expected"), [("admin_user", 200), ("manager", 200), ("supervisor", 403), ("approver", 403), (None, 403)]
)
def test_list_and_detail_are_for_admins_and_managers(client, request, who, expected):
    bru = entry()
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == expected
    assert client.get(url("detail", bru.pk)).status_code == expected


def test_managers_see_only_their_sites_admins_see_all(client, manager, admin_user):
    bru, chi = entry("BRU"), entry("CHI")
    client.force_login(manager)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [bru.pk]
    assert client.get(url("detail", chi.pk)).status_code == 404
    client.force_login(admin_user)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [chi.pk, bru.pk]


def test_list_filters_and_pages(client, admin_user):
    wanted = entry("BRU", Status.DEAD, "set_carrier")
    entry("BRU", Status.DEAD, "post_message")
    entry("CHI", Status.DEAD, "set_carrier")
    entry("BRU", Status.DONE, "set_carrier")
    client.force_login(admin_user)
    body = client.get(LIST, {"status": "dead", "operation": "set_carrier", "site": "BRU"}).json()
    assert [row["id"] for row in body["results"]] == [wanted.pk]
    assert body["results"][0]["target"] == f"stock.picking:{wanted.odoo_id}"
    # A feed: newest first, a cursor to follow, every entry exactly once.
    first = client.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    seen = [row["id"] for row in first["results"] + second["results"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 4 and second["next"] is None
    bad = client.get(LIST, {"status": "exploded"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert client.get(LIST, {"cursor": "garbage"}).json()["code"] == "not_found"


def test_detail_shows_arguments_result_and_attempts(client, admin_user):
    item = entry()
    item.attempt_log.create(number=1, outcome="needs_attention", message="Odoo refused it", calls=[{"method": "read"}])
    client.force_login(admin_user)
    body = client.get(url("detail", item.pk)).json()
    assert body["arguments"] == {"body": "x"} and body["last_error"] == "Odoo refused it"
    assert body["attempts_log"][0]["calls"] == [{"method": "read"}]


@pytest.mark.parametrize("action", ["retry", "cancel"])
@pytest.mark.parametrize(("who", "expected"), [("admin_user", 200), ("manager", 403), ("supervisor", 403), (None, 403)])
def test_retry_and_cancel_are_for_admins_only(client, request, action, who, expected):
    item = entry()
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(url(action, item.pk), content_type="application/json")
    assert response.status_code == expected
    item.refresh_from_db()
    changed = {"retry": Status.PENDING, "cancel": Status.CANCELLED}[action]
    assert (item.status == changed) == (expected == 200)


def test_retry_answers_409_when_the_status_forbids_it_and_cancel_keeps_the_reason(client, admin_user):
    done = entry(status=Status.DONE)
    client.force_login(admin_user)
    response = client.post(url("retry", done.pk))
    assert response.status_code == 409 and "done" in response.json()["detail"]
    assert response.json()["code"] == "conflict"
    dead = entry(status=Status.DEAD)
    response = client.post(url("cancel", dead.pk), {"reason": "decided again"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert AuditEntry.objects.get(action="outbox.cancelled").data["reason"] == "decided again"
    assert client.post(url("retry", 999999)).status_code == 404


def test_openapi_schema_documents_the_endpoints(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/writeback/outbox/", "/api/v1/writeback/outbox/{entry_id}/retry/"} <= set(schema["paths"])


def test_admin_page_lists_entries_and_its_actions_retry_and_cancel(client, admin_user):
    stuck, dead = entry(status=Status.NEEDS_ATTENTION), entry(status=Status.DEAD)
    client.force_login(admin_user)
    changelist = reverse("admin:writeback_outboxentry_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:writeback_outboxentry_change", args=[stuck.pk])).status_code == 200
    client.post(changelist, {"action": "retry", "_selected_action": [stuck.pk]})
    client.post(changelist, {"action": "cancel", "_selected_action": [dead.pk]})
    stuck.refresh_from_db()
    dead.refresh_from_db()
    assert (stuck.status, dead.status) == (Status.PENDING, Status.CANCELLED)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"outbox.retried", "outbox.cancelled"}
