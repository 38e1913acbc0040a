"""Daphne with a redacting access log: `python -m controltower.serve [daphne options] controltower.asgi:application`.

Daphne's access log writes each request's path with its query string, so a display token
(`/wall/BRU/?token=...`) or the webhook secret (`/api/v1/hooks/odoo/<secret>/`) would land in
the logs. This runs Daphne's own command line with every access-log line passed through redact().
"""

from __future__ import annotations

import sys

# Daphne ships no type hints (no py.typed).
from daphne.cli import CommandLineInterface  # type: ignore[import-untyped]
from daphne.server import Server  # type: ignore[import-untyped]

from apps.core.redaction import redact  # reads settings only when a line is written


class _RedactingStream:
    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(redact(text))

    def flush(self) -> None:
        self.stream.flush()


class RedactingServer(Server):
    def __init__(self, *args, action_logger=None, **kwargs):
        if action_logger is not None and hasattr(action_logger, "stream"):
            action_logger.stream = _RedactingStream(action_logger.stream)
        super().__init__(*args, action_logger=action_logger, **kwargs)


class RedactingCommandLine(CommandLineInterface):
    server_class = RedactingServer


def main() -> None:
    RedactingCommandLine().run(sys.argv[1:])


if __name__ == "__main__":
    main()
