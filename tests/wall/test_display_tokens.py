"""A TV signs in once with its token, sees only its wall, and is shut out at once when revoked."""

import asyncio
import json

import pytest
import websockets
from django.urls import reverse

from apps.accounts.display_tokens import display_token_create, display_token_revoke
from apps.accounts.models import DisplayToken
from apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def tv_token(sites, admin_user):
    return display_token_create(site=sites["BRU"], board="floor", name="Dock 3 TV", created_by=admin_user)


def test_the_tv_opens_its_link_once_and_stays_signed_in(client, tv_token):
    token, raw = tv_token
    response = client.get(f"/wall/BRU/?token={raw}", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response["Location"] == "/wall/BRU/floor/"  # secret leaves the URL
    assert client.get("/wall/BRU/floor/", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.session.get_expiry_age() == token.session_days * 24 * 3600
    token.refresh_from_db()
    assert token.last_seen_ip == "10.1.2.3" and token.last_seen_at is not None
    assert AuditEntry.objects.filter(action="display_token.created").exists()


def test_a_display_sees_nothing_but_its_own_wall(client, tv_token):
    _, raw = tv_token
    client.get(f"/wall/BRU/?token={raw}")
    assert client.get("/").status_code == 403
    assert client.get("/wall/CHI/").status_code == 403
    assert client.get("/admin/").status_code == 403
    assert client.get(reverse("wall:tile", args=["BRU", "ships_next"])).status_code == 200


def test_a_wrong_token_gets_a_clear_refusal_not_a_login_form(client, sites):
    response = client.get("/wall/BRU/?token=not-a-real-token")
    assert response.status_code == 403
    assert b"link is wrong or was revoked" in response.content and b"password" not in response.content


def test_a_revoked_token_is_refused_at_the_next_request(client, tv_token, admin_user):
    token, raw = tv_token
    client.get(f"/wall/BRU/?token={raw}")
    display_token_revoke(token=token, revoked_by=admin_user)
    response = client.get("/wall/BRU/floor/")
    assert response.status_code == 403 and b"revoked" in response.content
    assert client.get(f"/wall/BRU/?token={raw}").status_code == 403
    assert AuditEntry.objects.filter(action="display_token.revoked").count() == 1
    display_token_revoke(token=token, revoked_by=admin_user)  # again: harmless
    assert AuditEntry.objects.filter(action="display_token.revoked").count() == 1


@pytest.mark.django_db(transaction=True)
async def test_revoking_closes_the_open_socket_at_once(web_server, tv_token_cookie):
    token_id, cookie = tv_token_cookie
    url = f"ws://127.0.0.1:{web_server.port}/ws/live/"
    async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=web_server.url) as socket:
        await socket.send(json.dumps({"action": "subscribe", "groups": ["site.BRU"]}))
        assert json.loads(await socket.recv())["type"] == "subscribed"
        await asyncio.to_thread(_revoke, token_id)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd.code == 4403


@pytest.fixture
def tv_token_cookie(tv_token, client):
    token, raw = tv_token
    client.get(f"/wall/BRU/?token={raw}")
    return token.pk, f"sessionid={client.cookies['sessionid'].value}"


def _revoke(token_id: int) -> None:
    token = DisplayToken.objects.get(pk=token_id)
    display_token_revoke(token=token, revoked_by=token.created_by)


def test_admin_creates_a_token_and_sees_the_link_once(client, admin_user, sites):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/displaytoken/add/",
        {"name": "Dock 1 TV", "site": sites["BRU"].pk, "board": "floor", "session_days": 14},
        follow=True,
    )
    token = DisplayToken.objects.get(name="Dock 1 TV")
    link = next(str(message) for message in response.context["messages"] if "token=" in str(message))
    raw = link.split("token=")[1]
    assert token.session_days == 14 and token.user.sites.get() == sites["BRU"]
    tv = client.__class__()
    assert tv.get(f"/wall/BRU/?token={raw}").status_code == 302
