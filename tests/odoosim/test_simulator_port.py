"""The simulator keeps off Odoo's port and refuses a port that is taken."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture
def taken_port():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    yield listener.getsockname()[1]
    listener.close()


def test_default_port_is_not_odoos():
    assert settings.ODOO_SIMULATOR_PORT == 8169
    assert settings.ODOO_URL == "http://127.0.0.1:8169"


def test_simulator_refuses_a_taken_port_and_says_what_to_do(taken_port):
    with pytest.raises(CommandError) as refused:
        call_command("odoo_simulator", "--port", str(taken_port))
    message = str(refused.value)
    assert f"Port {taken_port}" in message and "already in use" in message
    assert "--port" in message and "ODOO_SIMULATOR_PORT" in message


def test_run_demo_refuses_a_taken_simulator_port(taken_port):
    with pytest.raises(CommandError) as refused:
        call_command("run_demo", "--simulator-port", str(taken_port))
    assert f"Port {taken_port} is already in use" in str(refused.value)
    assert "--simulator-port" in str(refused.value)
