"""A real Odoo simulator (HTTP) per test module, and the gateway pointed at it through settings."""

import pytest
import requests

from apps.mirror.changes import subscribe, unsubscribe
from apps.odoo.client import get_client, reset_client
from apps.odoosim.server import start_simulator


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
