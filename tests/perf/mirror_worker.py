"""A sync worker process for benchmarks: `python -m tests.perf.mirror_worker plain|sync|write MODEL...`.

`plain` is the yardstick: ONE plain `search_read` per model of the same fields and rows, no paging
(what Odoo and the wire cost at best); `sync` runs the real sync into the database; `write` reads the
rows first (not timed), empties those models' mirror tables and times upserting the rows alone, page
by page with the sync's own statements (what writing costs without Odoo). Prints one JSON line: rows,
seconds, peak RSS in MB.
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
    from django.conf import settings  # after django.setup()
    from django.db import transaction

    from apps.mirror.services.sync import _commit_quickly as commit_quickly
    from apps.mirror.services.sync import sync_model
    from apps.mirror.specs import spec_for
    from apps.mirror.upsert import upsert_rows
    from apps.odoo.client import get_client

    rows = 0
    if mode == "write":
        pages = {}
        for odoo_model in models:
            spec = spec_for(odoo_model)
            context = {"active_test": False} if spec.has_active else None
            read = get_client().search_read(odoo_model, [], [*spec.odoo_fields, "write_date"], context=context)
            size = settings.ODOO_PAGE_SIZE
            pages[odoo_model] = [read[start : start + size] for start in range(0, len(read), size)]
            spec.model.objects.all().delete()
        started = time.perf_counter()
        for odoo_model, model_pages in pages.items():
            for page in model_pages:
                with transaction.atomic():
                    commit_quickly()  # as the sync's page transactions do
                    upsert_rows(spec_for(odoo_model), page)
                rows += len(page)
        models = []
    else:
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
