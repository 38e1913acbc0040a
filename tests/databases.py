"""Point this process's Django at another database for a while (upgrade and restore tests).

Both tests need an empty or restored database next to the test database: on PostgreSQL a new
database on the same server, on SQLite a file. The default connection is closed and re-pointed, and
caches keyed by database ids (content types) are cleared on the way in and out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, connections

from apps.health.checks import forget_migration_check


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pg_env() -> dict[str, str]:
    """libpq variables for pg_dump / pg_restore / psql, from the test connection."""
    conf = connection.settings_dict
    env = {**os.environ, "PGHOST": conf["HOST"] or "127.0.0.1", "PGPORT": str(conf["PORT"] or 5432)}
    env["PGUSER"] = conf["USER"] or "postgres"
    if conf["PASSWORD"]:
        env["PGPASSWORD"] = conf["PASSWORD"]
    return env


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql], env=pg_env(), check=True)


def create_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def using_database(name: str | Path) -> Iterator[None]:
    """Run the body with the default connection on database ``name`` (a PostgreSQL database name or an
    SQLite file path), then come back to the test database."""
    default = connections["default"]
    saved = default.settings_dict["NAME"]
    _switch(str(name))
    try:
        yield
    finally:
        _switch(saved)


def _switch(name: str) -> None:
    default = connections["default"]
    default.close()
    default.settings_dict["NAME"] = name
    ContentType.objects.clear_cache()
    cache.clear()
    forget_migration_check()
