"""Parallel test runs (pytest-xdist, `make test`): each worker gets its own Redis and database.

Loaded with `-p tests.workers` so it runs before pytest-django reads the settings. The tests flush
Redis, purge the Celery broker and count websocket messages, so two workers must never share
them:
- embedded mode: worker N starts its own Redis on EMBEDDED_REDIS_PORT + 1 + N (which also names
  its SQLite test database);
- production path (REDIS_URL set): worker N uses Redis database N + 1 on the same server (the
  channel layer's pub/sub prefix follows the database number, see settings); pytest-django gives
  each worker its own PostgreSQL test database.
Without xdist (a plain `pytest tests/x`) this module changes nothing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... in a worker; unset otherwise

if WORKER.startswith("gw"):
    index = int(WORKER.removeprefix("gw"))
    if os.environ.get("REDIS_URL"):
        parts = urlsplit(os.environ["REDIS_URL"])
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{index + 1}"))
    else:
        base = int(os.environ.get("EMBEDDED_REDIS_PORT", "6381"))
        os.environ["EMBEDDED_REDIS_PORT"] = str(base + 1 + index)
