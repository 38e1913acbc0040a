"""Issue 16 findings 2 and 4: a socket lives only as long as its user's access, and bad frames do not kill it."""

import asyncio
import json

import pytest
import websockets
from django.contrib.auth.models import Group
from django.test import Client

from apps.accounts.display_tokens import display_token_create
from apps.accounts.models import DisplayToken, User
from apps.live.consumers import MAX_GROUPS

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}"


def connect(server, cookie: str):
    return websockets.connect(
        f"ws://127.0.0.1:{server.port}/ws/live/", additional_headers={"Cookie": cookie}, origin=server.url
    )


async def subscribed(socket, group: str = "site.BRU") -> None:
    await socket.send(json.dumps({"action": "subscribe", "groups": [group]}))
    assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "subscribed"


async def closed_code(socket, timeout: float = 8.0) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(timeout):
            while True:
                await socket.recv()
    return closed.value.rcvd.code


def _tv_cookie(sites, admin_user) -> tuple[int, str]:
    token, raw = display_token_create(site=sites["BRU"], board="floor", name="Dock 9 TV", created_by=admin_user)
    client = Client()
    client.get(f"/wall/BRU/?token={raw}")
    return token.pk, f"sessionid={client.cookies['sessionid'].value}"


async def test_deleting_a_display_token_closes_its_open_socket(web_server, sites, admin_user):
    token_id, cookie = await asyncio.to_thread(_tv_cookie, sites, admin_user)
    async with connect(web_server, cookie) as socket:
        await subscribed(socket)
        await asyncio.to_thread(lambda: DisplayToken.objects.get(pk=token_id).delete())
        assert await closed_code(socket, timeout=5) == 4403


async def test_an_expired_session_closes_its_socket(web_server, supervisor):
    def short_session():
        client, cookie = session_cookie(supervisor)
        session = client.session
        session.set_expiry(2)
        session.save()
        return cookie

    cookie = await asyncio.to_thread(short_session)
    async with connect(web_server, cookie) as socket:
        await subscribed(socket)
        assert await closed_code(socket) == 4401


@pytest.mark.parametrize("ending", ["logout", "password", "deactivate", "site_removed", "role_removed"])
async def test_ending_a_users_access_closes_their_sockets(web_server, supervisor, ending):
    client, cookie = await asyncio.to_thread(session_cookie, supervisor)

    def end_access():
        user = User.objects.get(pk=supervisor.pk)
        if ending == "logout":
            client.post("/accounts/logout/")
        elif ending == "password":
            user.set_password("another-horse-battery-staple")
            user.save()
        elif ending == "deactivate":
            user.is_active = False
            user.save()
        elif ending == "site_removed":
            user.sites.clear()
        else:
            user.groups.remove(Group.objects.get(name="supervisor"))

    async with connect(web_server, cookie) as socket:
        await subscribed(socket)
        await asyncio.to_thread(end_access)
        assert await closed_code(socket, timeout=5) in (4401, 4403)


async def test_malformed_frames_get_an_error_and_the_socket_stays_open(web_server, supervisor):
    _, cookie = await asyncio.to_thread(session_cookie, supervisor)
    async with connect(web_server, cookie) as socket:
        frames = [
            "not json",
            "[" * 5000 + "]" * 5000,
            b"\x00\x01",
            json.dumps({"action": "subscribe", "groups": ["user.١٢"]}),
            json.dumps({"action": "subscribe", "groups": [{"x": 1}]}),
            "x" * 100_000,
        ]
        for frame in frames:
            await socket.send(frame)
            answer = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert answer["type"] in ("error", "refused"), frame[:20]
        await subscribed(socket)  # still alive


async def test_subscriptions_per_socket_are_capped(web_server, supervisor):
    _, cookie = await asyncio.to_thread(session_cookie, supervisor)
    async with connect(web_server, cookie) as socket:
        answers = []
        for batch in range(3):
            groups = [f"board.BRU.b{batch}x{n}" for n in range(MAX_GROUPS)]
            await socket.send(json.dumps({"action": "subscribe", "groups": groups}))
            answers += [json.loads(await asyncio.wait_for(socket.recv(), 5)) for _ in groups]
        assert sum(answer["type"] == "subscribed" for answer in answers) == MAX_GROUPS
        assert any("at most" in answer.get("error", "") for answer in answers)
