"""One HTTP POST with the promises every outbound delivery keeps: a total time limit, the answer's body read
only up to a cap (a 10 MB answer neither hangs us nor fills memory), redirects not followed (a 3xx is a
failure: the receiver moved, someone must update the URL), no proxies from the environment, and the
address actually connected to checked by the guard."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from apps.outbound.guard import UnsafeUrl, address_problem, check_url, host_allowed


class _PeerChecked:
    """Mixin for urllib3 connections: refuse the socket when the peer is an address the guard refuses."""

    host: str

    def _new_conn(self):
        sock = super()._new_conn()  # type: ignore[misc]
        if not host_allowed(self.host):
            peer = sock.getpeername()[0]
            problem = address_problem(peer)
            if problem:
                sock.close()
                raise UnsafeUrl(f"{self.host} connected to {peer}, {problem}: refused.")
        return sock


class GuardedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class GuardedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int | None
    error: str
    duration_ms: int
    final: bool = False  # no point retrying (the guard refused the address)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no HTTP(S)_PROXY detour: the guard must see the receiver itself
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(url: str, *, body: bytes, headers: dict[str, str], timeout_s: float) -> Answer:
    """POST body to url; every failure is returned as an Answer, never raised."""
    started = time.monotonic()

    def answer(ok: bool, status: int | None, error: str = "", final: bool = False) -> Answer:
        return Answer(ok, status, error[:500], int((time.monotonic() - started) * 1000), final)

    try:
        check_url(url)
    except UnsafeUrl as exc:
        return answer(False, None, str(exc), final=True)
    deadline = started + timeout_s
    try:
        with _session() as session:
            response = session.post(
                url, data=body, headers=headers, timeout=(min(timeout_s, 5.0), timeout_s),
                allow_redirects=False, stream=True,
            )  # fmt: skip
            with response:
                read = 0
                for chunk in response.iter_content(chunk_size=8192):
                    read += len(chunk)  # read and dropped: only the status matters
                    if read >= settings.OUTBOUND_MAX_RESPONSE_BYTES or time.monotonic() > deadline:
                        break  # closing the response drops the rest of a huge or slow answer
                status = response.status_code
    except UnsafeUrl as exc:
        return answer(False, None, str(exc), final=True)
    except requests.Timeout:
        return answer(False, None, f"No answer within {timeout_s:g} s")
    except requests.RequestException as exc:
        cause = exc.__context__ if isinstance(exc.__context__, UnsafeUrl) else None
        if cause is not None:
            return answer(False, None, str(cause), final=True)
        return answer(False, None, f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return answer(True, status)
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        return answer(False, status, f"HTTP {status} (redirect to {location or '?'} not followed)")
    return answer(False, status, f"HTTP {status}")
