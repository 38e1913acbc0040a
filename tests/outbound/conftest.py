import pytest

from tests.outbound.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as local:
        yield local


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    """The receivers run on 127.0.0.1, which the guard refuses unless listed."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_TIMEOUT_S = 1.0
    settings.OUTBOUND_MAX_ATTEMPTS = 3
