"""Shared test fixtures: a real Redis, standing users per role, real server processes, and a real
Odoo simulator (HTTP) with the gateway pointed at it."""

from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import override_settings

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.core.embedded_redis import PortTakenError, start_background, stop
from apps.core.redis import get_redis
from apps.mirror.changes import subscribe, unsubscribe
from apps.odoo.client import get_client, reset_client
from apps.odoosim.server import start_simulator
from apps.sites.models import Site
from tests.channels import ChannelListener
from tests.flush import flush_by_delete
from tests.servers import daphne, free_port

PASSWORD = "correct-horse-battery-staple"
E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items):
    """Every test under tests/e2e drives a browser: mark it so `make test-fast` leaves it out even
    when its module forgets the mark. Then the long tests go first (slow, then browser, the order
    otherwise kept): xdist's work stealing hands the short ones out at the end, so no worker is left
    alone with a 40-second test while the others are done. (Dealing them round-robin into every
    worker's block was faster still, but it met the odoosim contract tests after tests that leave
    the shared simulator changed: see the closing note of 2026-12-03.)"""
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, item.get_closest_marker("browser") is None))


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """Embedded mode: start the suite's own Redis (the tests flush it, so it is never one we did not
    start: a taken port stops the run with a message). Production path: REDIS_URL is used as is."""
    if not settings.EMBEDDED_REDIS:
        yield
        return
    try:
        port = settings.EMBEDDED_REDIS_PORT
        process = start_background(port, settings.VAR_DIR / f"redis-test-{port}")
    except PortTakenError as error:
        pytest.exit(f"Test Redis not started: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    yield
    stop(process)


@pytest.fixture(scope="session", autouse=True)
def fast_flush():
    """Transactional tests empty PostgreSQL with DELETE, not TRUNCATE (see tests/flush.py)."""
    with flush_by_delete():
        yield


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Users are created and log in in most tests: hash with one iteration (see tests/hashers.py)."""
    with override_settings(PASSWORD_HASHERS=["tests.hashers.FastPBKDF2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def no_locks_left_by_earlier_tests():
    """A worker killed on purpose by an earlier test may still hold a lock until it expires; and an
    earlier test's coalescing window (a KPI day or a wall tile refresh asked for in the last 2 s)
    would swallow this test's request for the same thing."""
    client = get_redis()
    for pattern in ("ct:lock:*", "ct:kpis:pending:*", "ct:wall:pending:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.fixture(autouse=True)
def close_channel_listeners():
    yield
    ChannelListener.close_all()


@pytest.fixture(autouse=True)
def change_sets_inline(settings):
    """Tests see change-set subscribers run in-process; test_mirror_dispatch covers the task path."""
    settings.MIRROR_CHANGES_INLINE = True


@pytest.fixture
def sites(db):
    """Two sites: the user fixtures belong to Brussels, nobody but admins to Chicago."""
    return {
        "BRU": Site.objects.create(code="BRU", name="Brussels DC", timezone="Europe/Brussels"),
        "CHI": Site.objects.create(code="CHI", name="Chicago DC", timezone="America/Chicago"),
    }


def _user(username: str, roles: list[str], sites: list[Site]):
    return user_upsert(username=username, password=PASSWORD, roles=roles, sites=sites)


@pytest.fixture
def supervisor(sites):
    return _user("sam.supervisor", [Role.SUPERVISOR], [sites["BRU"]])


@pytest.fixture
def approver(sites):
    return _user("fay.finance", [Role.APPROVER_FINANCE], [sites["BRU"]])


@pytest.fixture
def manager(sites):
    return _user("max.manager", [Role.MANAGER], [sites["BRU"]])


@pytest.fixture
def admin_user(sites):
    return _user("ada.admin", [Role.ADMIN], [])


@pytest.fixture
def display(sites):
    return _user("wall.bru", [Role.DISPLAY], [sites["BRU"]])


@pytest.fixture
def stranger(sites):
    """A signed-in user with a role but no site."""
    return _user("sid.stranger", [Role.SUPERVISOR], [])


@pytest.fixture(scope="session")
def web_server(django_db_setup, django_db_blocker):
    """One Daphne for the session, on the test database; short live timings so staleness shows fast."""
    port = free_port()
    with django_db_blocker.unblock():
        server = daphne(port, LIVE_HEARTBEAT_S="1", LIVE_STALE_AFTER_S="4").start()
    server.url = f"http://127.0.0.1:{port}"
    server.port = port
    yield server
    server.stop()


@pytest.fixture(scope="module")
def simulator():
    with start_simulator(port=0, seed=7) as sim:
        yield sim


@pytest.fixture
def odoo(simulator, settings):
    """The shared gateway client, configured for this module's simulator (fast retries)."""
    settings.ODOO_URL = simulator.url
    settings.ODOO_DATABASE = simulator.database
    settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
    settings.ODOO_TRANSPORT = "jsonrpc"
    settings.ODOO_RETRY_BASE_DELAY_S = 0.01
    settings.ODOO_RETRY_MAX_DELAY_S = 0.05
    settings.ODOO_BREAKER_FAIL_MAX = 1000  # these tests exercise sync, not the breaker
    reset_client()
    yield get_client()
    reset_client()


@pytest.fixture
def faults(simulator):
    def apply(**knobs):
        response = requests.post(f"{simulator.url}/__sim__/faults", json=knobs, timeout=5)
        response.raise_for_status()
        return response.json()

    yield apply
    requests.post(f"{simulator.url}/__sim__/faults", json={"reset": True}, timeout=5)


@pytest.fixture
def change_sets():
    """Every change set the mirror hands downstream during the test."""
    received = []
    subscribe(received.append)
    yield received
    unsubscribe(received.append)
