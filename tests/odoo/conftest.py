"""One Odoo simulator per test module (real HTTP), and clients wired to it."""

import pytest
import requests

from apps.odoo.client import OdooClient
from apps.odoo.config import OdooConfig
from apps.odoo.resilience import OdooBreaker, RetryPolicy

from .fakes import SleepRecorder

API_KEY = "demo-api-key"


@pytest.fixture(scope="module")
def simulator():
    """A simulator with a still clock, shared by the tests of one module."""
    try:
        from apps.odoosim.server import start_simulator

        handle = start_simulator(port=0, seed=1)
    except ImportError as exc:  # the simulator app is optional for the gateway's unit tests
        pytest.skip(f"Odoo simulator not available: {exc}")
    with handle as sim:
        yield sim


@pytest.fixture
def set_faults(simulator):
    """Set fault knobs through the simulator's HTTP control API; all knobs off afterwards."""

    def apply(**knobs):
        response = requests.post(f"{simulator.url}/__sim__/faults", json=knobs, timeout=5)
        response.raise_for_status()
        return response.json()

    yield apply
    requests.post(f"{simulator.url}/__sim__/faults", json={"reset": True}, timeout=5)


@pytest.fixture
def make_odoo(simulator):
    """Build a client for the simulator: fresh in-memory breaker, recorded (instant) sleeps."""
    clients = []

    def build(*, attempts=3, fail_max=50, reset_timeout_s=30.0, **overrides):
        values = {
            "url": simulator.url,
            "database": simulator.database,
            "login": "admin",
            "password": "admin",
            "transport": "jsonrpc",
            "timeout_s": 5.0,
        }
        values.update(overrides)
        config = OdooConfig(**values)
        sleep = SleepRecorder()
        client = OdooClient(
            config,
            breaker=OdooBreaker(fail_max=fail_max, reset_timeout_s=reset_timeout_s),
            retry=RetryPolicy(attempts=attempts, base_delay_s=0.01, max_delay_s=0.05, sleep=sleep),
        )
        client.sleeps = sleep.delays
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
