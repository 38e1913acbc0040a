"""Daphne with a sampling profiler, for `BENCH_PROFILE=1 make bench BENCH=wall`: where the web
process spends its time while 500 screens watch.

A thread looks at the main thread's stack (the event loop) 50 times a second and counts which
function is running and which of our categories (rendering, the channel layer and Redis, the
websocket protocol, the consumer) it is inside of. Sampling keeps the overhead small, unlike
cProfile, which slowed the server enough to change the result. Written to a JSON file when
Daphne stops on SIGTERM.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from tests.servers import ServerProcess, child_env, daphne

INTERVAL_S = 0.02  # 50 a second: more takes the GIL from the loop often enough to slow it
# Categories by the file a frame on the stack belongs to, the first match from the leaf upwards.
CATEGORIES = [
    ("websocket framing and socket writes (autobahn, Twisted)", ("autobahn", "twisted")),
    ("channel layer and Redis (channels_redis, redis, msgpack)", ("channels_redis", "/redis/", "msgpack")),
    ("our consumer (apps/live)", ("apps/live",)),
    ("Channels dispatch (channels)", ("/channels/",)),
    ("Daphne", ("/daphne/",)),
    ("Django (templates, ORM, sessions)", ("/django/",)),
    ("asyncio event loop itself", ("asyncio",)),
]


def profile_path(port: int) -> Path:
    return Path(__file__).resolve().parents[2] / "var" / f"daphne-{port}.profile.json"


def profiled_daphne(port: int) -> ServerProcess:
    server = daphne(port)
    server.argv = [sys.executable, "-m", "tests.perf.profiled_serve", str(profile_path(port)), *server.argv[3:]]
    server.env = child_env()
    server.profile = profile_path(port)  # type: ignore[attr-defined]
    return server


def print_profile(server: ServerProcess, top: int = 15) -> None:
    path = getattr(server, "profile", None)
    if path is None or not path.exists():
        print("  (no profile written)")
        return
    report = json.loads(path.read_text())
    samples = report["samples"] or 1
    busy = samples - report["idle"]
    print(f"  Daphne's main thread: {busy / samples:.0%} busy of {report['seconds']} s ({report['samples']} samples);")
    print("  of the busy samples:")
    samples = busy or 1
    for name, count in report["categories"]:
        print(f"    {count / samples:6.1%}  {name}")
    print("  busiest functions (self):")
    for name, count in report["leaves"][:top]:
        print(f"    {count / samples:6.1%}  {name}")


def _category(stack: list[str]) -> str:
    for filename in stack:
        for name, markers in CATEGORIES:
            if any(marker in filename for marker in markers):
                return name
    return "other"


def _sample(main_id: int, stop: threading.Event, leaves: Counter, categories: Counter, totals: list[int]) -> None:
    while not stop.wait(INTERVAL_S):
        frame = sys._current_frames().get(main_id)
        if frame is None:
            continue
        totals[0] += 1
        code = frame.f_code
        if code.co_name in ("select", "poll") and "selectors" in code.co_filename:
            totals[1] += 1  # waiting for the sockets: idle
            continue
        leaves[f"{Path(code.co_filename).name}:{code.co_name}"] += 1
        stack = []
        while frame is not None:
            stack.append(frame.f_code.co_filename)
            frame = frame.f_back
        categories[_category(stack)] += 1


def main() -> None:
    from controltower.serve import main as serve

    out = sys.argv[1]
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    leaves: Counter = Counter()
    categories: Counter = Counter()
    totals = [0, 0]
    stop = threading.Event()
    sampler = threading.Thread(
        target=_sample, args=(threading.main_thread().ident, stop, leaves, categories, totals), daemon=True
    )
    sampler.start()
    started = time.monotonic()
    try:
        serve()
    finally:
        stop.set()
        sampler.join(timeout=1)
        report = {
            "seconds": round(time.monotonic() - started),
            "samples": totals[0],
            "idle": totals[1],
            "categories": categories.most_common(),
            "leaves": leaves.most_common(40),
        }
        Path(out).write_text(json.dumps(report))


if __name__ == "__main__":
    main()
