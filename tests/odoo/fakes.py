"""A scripted transport for unit tests of the client, retries and breaker."""

from typing import Any

from apps.odoo.client import OdooClient
from apps.odoo.config import OdooConfig
from apps.odoo.resilience import OdooBreaker, RetryPolicy
from apps.odoo.transports.base import ServerVersion


class ScriptedTransport:
    """Answers calls from a script: each item is a value to return or an exception to raise."""

    name = "scripted"

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.calls: list[tuple[str, str, Any, list, dict]] = []

    def _next(self) -> Any:
        item = self.script.pop(0) if self.script else True
        if isinstance(item, BaseException):
            raise item
        return item

    def version(self) -> ServerVersion:
        return ServerVersion.from_result({"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""]})

    def authenticate(self) -> int:
        return 2

    def execute(self, model, method, ids, args, kwargs):
        self.calls.append((model, method, ids, args, kwargs))
        return self._next()

    def close(self) -> None:
        pass


class SleepRecorder:
    """Injected instead of time.sleep: records the delays, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_config(**overrides: Any) -> OdooConfig:
    values = {"url": "http://odoo.invalid:8069", "database": "demo", "login": "admin", "password": "admin"}
    values.update(overrides)
    return OdooConfig(**values)


def make_client(transport, *, attempts=4, base=0.5, max_delay=8.0, fail_max=100, reset=30.0, sleep=None, **config):
    sleep = sleep or SleepRecorder()
    client = OdooClient(
        make_config(**config),
        transport=transport,
        breaker=OdooBreaker(fail_max=fail_max, reset_timeout_s=reset),
        retry=RetryPolicy(attempts=attempts, base_delay_s=base, max_delay_s=max_delay, sleep=sleep),
    )
    return client, sleep
