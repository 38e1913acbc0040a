"""A sync worker process for benchmarks: `python -m tests.perf.mirror_worker fetch|sync MODEL...`.

`plain` is the yardstick: ONE plain `search_read` per model of the same fields and rows, no paging
(what Odoo and the wire cost at best); `sync` runs the real sync into the database. Prints one JSON
line: rows, seconds, peak RSS in MB.
"""

import json
import os
import resource
import sys
import time

import django


def main(mode: str, models: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")
    django.setup()
    from apps.mirror.services.sync import sync_model  # after django.setup()
    from apps.mirror.specs import spec_for
    from apps.odoo.client import get_client

    rows = 0
    started = time.perf_counter()
    for odoo_model in models:
        if mode == "plain":
            spec = spec_for(odoo_model)
            context = {"active_test": False} if spec.has_active else None
            rows += len(get_client().search_read(odoo_model, [], spec.odoo_fields, context=context))
        else:
            result = sync_model(odoo_model)
            if result.error:
                raise SystemExit(f"sync of {odoo_model} failed: {result.error}")
            rows += result.rows
    seconds = time.perf_counter() - started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_rss_mb": peak_rss_mb}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
