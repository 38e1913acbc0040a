"""Retry policy and circuit breaker, with a scripted transport (no network)."""

import time
import uuid

import pybreaker
import pytest
import redis
from django.conf import settings

from apps.odoo.errors import (
    OdooAccessError,
    OdooConnectionError,
    OdooMissingError,
    OdooServerError,
    OdooTimeout,
    OdooUnavailable,
    OdooValidationError,
    http_status_error,
)
from apps.odoo.resilience import OdooBreaker, RetryPolicy

from .fakes import ScriptedTransport, make_client


def refused():
    return OdooConnectionError("refused")


def serialization():
    return OdooServerError("could not serialize", transient=True)


def test_reads_retry_transient_errors_with_growing_capped_delays():
    transport = ScriptedTransport(refused(), OdooTimeout("slow"), serialization(), [{"id": 1}])
    client, sleep = make_client(transport, attempts=4, base=0.5, max_delay=1.5)

    assert client.search_read("stock.picking", [], ["name"]) == [{"id": 1}]

    assert len(transport.calls) == 4
    assert len(sleep.delays) == 3
    # full jitter: attempt n waits a random time in [0, min(max, base * 2**(n-1))]
    for n, delay in enumerate(sleep.delays, start=1):
        assert 0 <= delay <= min(1.5, 0.5 * 2 ** (n - 1))


def test_gives_up_after_the_configured_attempts_with_the_last_error():
    transport = ScriptedTransport(*[refused() for _ in range(5)])
    client, sleep = make_client(transport, attempts=3)
    with pytest.raises(OdooConnectionError):
        client.search_count("stock.picking", [])
    assert len(transport.calls) == 3
    assert len(sleep.delays) == 2


@pytest.mark.parametrize(
    "error", [OdooValidationError("no"), OdooAccessError("no"), OdooMissingError("gone"), OdooServerError("bug")]
)
def test_business_errors_are_never_retried(error):
    transport = ScriptedTransport(error)
    client, sleep = make_client(transport)
    with pytest.raises(type(error)):
        client.write("stock.picking", [1], {"origin": "x"})
    assert len(transport.calls) == 1
    assert sleep.delays == []


@pytest.mark.parametrize("method", ["write", "create", "action"])
def test_a_write_whose_outcome_is_unknown_is_not_repeated(method):
    transport = ScriptedTransport(OdooTimeout("no answer"), True)
    client, _ = make_client(transport)
    with pytest.raises(OdooTimeout) as caught:
        if method == "write":
            client.write("stock.picking", [1], {"origin": "x"})
        elif method == "create":
            client.create("stock.picking", {"origin": "x"})
        else:
            client.call("stock.picking", "action_confirm", [1])
    assert caught.value.outcome_unknown
    assert len(transport.calls) == 1


def test_a_write_that_never_reached_odoo_is_retried():
    transport = ScriptedTransport(refused(), serialization(), True)
    client, _ = make_client(transport)
    assert client.write("stock.picking", [1], {"origin": "x"}) is True
    assert len(transport.calls) == 3


def test_http_502_on_a_write_is_not_repeated_but_503_is():
    bad_gateway = http_status_error(502, url="u", model="stock.picking", method="write")
    client, _ = make_client(ScriptedTransport(bad_gateway, True))
    with pytest.raises(OdooServerError):
        client.write("stock.picking", [1], {"origin": "x"})
    unavailable = http_status_error(503, url="u", model="stock.picking", method="write")
    client, _ = make_client(ScriptedTransport(unavailable, True))
    assert client.write("stock.picking", [1], {"origin": "x"}) is True


def test_none_result_comes_back_as_none():
    client, _ = make_client(ScriptedTransport(None))
    assert client.call("stock.picking", "do_unreserve", [1]) is None


def test_read_chunks_ids():
    transport = ScriptedTransport([{"id": 1}, {"id": 2}], [{"id": 3}])
    client, _ = make_client(transport, read_chunk_size=2)
    assert client.read("stock.picking", [1, 2, 3], ["name"]) == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert [call[2] for call in transport.calls] == [[1, 2], [3]]


# --- circuit breaker ---------------------------------------------------------------------------


def test_breaker_closed_open_half_open_closed():
    transport = ScriptedTransport(*[refused() for _ in range(3)])
    client, _ = make_client(transport, attempts=1, fail_max=3, reset=0.3)

    for _ in range(3):
        with pytest.raises(OdooConnectionError):
            client.search_count("stock.picking", [])
    status = client.breaker_status()
    assert status["state"] == "open"
    assert status["last_error"] == "refused"
    assert status["opened_at"] and status["retry_at"]

    # open: fail fast, Odoo is not called
    with pytest.raises(OdooUnavailable) as caught:
        client.search_count("stock.picking", [])
    assert "Odoo unreachable since" in str(caught.value)
    assert len(transport.calls) == 3

    # after the reset timeout one trial call goes through; it fails: open again
    time.sleep(0.35)
    transport.script = [refused()]
    with pytest.raises(OdooConnectionError):
        client.search_count("stock.picking", [])
    assert client.breaker_status()["state"] == "open"

    # next trial succeeds: closed
    time.sleep(0.35)
    transport.script = [7]
    assert client.search_count("stock.picking", []) == 7
    status = client.breaker_status()
    assert status["state"] == "closed"
    assert status["failure_count"] == 0
    assert status["opened_at"] is None


def test_business_errors_do_not_trip_the_breaker():
    transport = ScriptedTransport(*[OdooValidationError("no") for _ in range(5)])
    client, _ = make_client(transport, fail_max=2)
    for _ in range(5):
        with pytest.raises(OdooValidationError):
            client.write("stock.picking", [1], {"priority": "7"})
    assert client.breaker_status()["state"] == "closed"


def test_open_breaker_stops_the_retries():
    transport = ScriptedTransport(*[refused() for _ in range(10)])
    client, _ = make_client(transport, attempts=10, fail_max=2)
    with pytest.raises(OdooUnavailable):
        client.search_count("stock.picking", [])
    assert len(transport.calls) == 2  # the third attempt found the breaker open


def test_unavailable_is_not_retried_by_the_policy():
    assert RetryPolicy.should_retry(OdooUnavailable("open"), read=True) is False


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis at REDIS_URL")
    return client


def test_breaker_state_is_shared_through_redis(redis_client):
    namespace = f"test-odoo-{uuid.uuid4().hex}"

    def breaker():
        storage = pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, redis_client, namespace=namespace)
        return OdooBreaker(
            fail_max=2, reset_timeout_s=60, storage=storage, redis_client=redis_client, namespace=namespace
        )

    worker_a, worker_b = breaker(), breaker()
    for _ in range(2):
        with pytest.raises(OdooConnectionError):
            worker_a.call(lambda: (_ for _ in ()).throw(refused()))
    with pytest.raises(OdooUnavailable):
        worker_b.call(lambda: "never called")
    status = worker_b.status()
    assert status["state"] == "open"
    assert status["shared"] is True
    assert status["last_error"] == "refused"
    redis_client.delete(*redis_client.keys(f"{namespace}:*"))
