"""Advisor text fixtures: a local chat completions server the external provider is pointed at."""

import pytest

from tests.advisor.chat_server import API_KEY, ChatServer


@pytest.fixture
def chat_model(settings):
    """The external model configured and reachable (a loopback host must be allowed explicitly)."""
    with ChatServer() as server:
        settings.ADVISOR_LLM_URL = server.base_url
        settings.ADVISOR_LLM_MODEL = "test-model"
        settings.ADVISOR_LLM_API_KEY = API_KEY
        settings.ADVISOR_LLM_TIMEOUT_S = 2
        settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
        yield server
