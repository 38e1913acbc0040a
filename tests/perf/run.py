"""`make bench`: run every benchmark module (tests/perf/bench_*.py), print a table, write results.

Each module defines `run() -> dict[str, dict]` returning {NAME: {"value": ..., "unit": ..., "goal": ...}}
with stable names ("sync_rows_per_s", ...) that dashboards and earlier results rely on. Results merge into
tests/perf/results/latest.json with the machine and the date, so one run of one benchmark
(`python -m tests.perf.run sync`) updates its lines and keeps the others.
"""

import importlib
import json
import os
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command

from apps.core.embedded_redis import is_running, start_background, stop

RESULTS = Path(__file__).parent / "results" / "latest.json"


def machine() -> str:
    cpus = os.cpu_count()
    memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.machine()}, {cpus} cores, {memory_gb} GiB, {system}, Python {platform.python_version()}"


def main(selected: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")
    # Never the demo's database: a fresh SQLite file unless DATABASE_URL names one (PostgreSQL).
    if not os.environ.get("DATABASE_URL"):
        bench_db = Path(__file__).resolve().parents[2] / "var" / "bench.sqlite3"
        for leftover in bench_db.parent.glob("bench.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"
    django.setup()
    redis_process = None
    if settings.EMBEDDED_REDIS and not is_running(settings.EMBEDDED_REDIS_PORT):
        redis_process = start_background(settings.EMBEDDED_REDIS_PORT, settings.VAR_DIR / "redis-bench")
    try:
        call_command("migrate", verbosity=0)
        return _run_all(selected)
    finally:
        if redis_process:
            stop(redis_process)


def _run_all(selected: list[str]) -> int:
    names = [info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")]
    names = [name for name in names if not selected or name.removeprefix("bench_") in selected]
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"results": {}}
    results = dict(previous.get("results", {}))
    for name in sorted(names):
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"tests.perf.{name}")
        for metric, value in module.run().items():
            results[metric] = {**value, "date": datetime.now(UTC).isoformat(timespec="seconds")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "date": datetime.now(UTC).isoformat(timespec="seconds"), "results": results}
    RESULTS.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"\n{'metric':<28} {'value':>12} {'unit':<8} goal")
    for metric, value in sorted(results.items()):
        print(f"{metric:<28} {value['value']:>12} {value['unit']:<8} {value.get('goal', '')}")
    print(f"\nwritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
