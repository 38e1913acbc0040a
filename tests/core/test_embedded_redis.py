"""The embedded Redis is only ever one this process started: a taken port is refused, never reused
(the test suite flushes its Redis, which would wipe someone else's data)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from apps.core.embedded_redis import PortTakenError, start_background, stop
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def someone_elses_redis(tmp_path):
    """A Redis this test run did not start (as far as the code under test knows), holding data."""
    port = free_port()
    process = start_background(port, tmp_path / "other-redis")
    client = redis.Redis(host="127.0.0.1", port=port)
    client.set("their:data", "keep me")
    yield port, client
    client.close()
    stop(process)


def test_a_port_where_another_redis_answers_is_refused_and_its_data_kept(someone_elses_redis, tmp_path):
    port, their_client = someone_elses_redis
    with pytest.raises(PortTakenError, match=f"127.0.0.1:{port} is already in use.*EMBEDDED_REDIS_PORT"):
        start_background(port, tmp_path / "ours")
    assert their_client.get("their:data") == b"keep me"


def test_a_port_taken_by_something_that_is_not_redis_is_refused(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with pytest.raises(PortTakenError):
            start_background(listener.getsockname()[1], tmp_path / "ours")


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_the_suite_stops_with_a_message_instead_of_flushing_a_redis_it_did_not_start(someone_elses_redis):
    port, their_client = someone_elses_redis
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["EMBEDDED_REDIS_PORT"] = str(port)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/core/test_logging.py",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert f"Test Redis not started: 127.0.0.1:{port} is already in use" in result.stdout + result.stderr
    assert "passed" not in result.stdout
    assert their_client.get("their:data") == b"keep me"
