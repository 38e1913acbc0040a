"""Mirror changes to screens: every changed transfer is announced to its site's live group.

Pages that show transfers (queues, boards) listen for `picking.changed` and refresh what they
show; detectors and boards that render their own partials publish those themselves.
"""

from collections import defaultdict

from apps.live.groups import site_group
from apps.live.publisher import send_now
from apps.mirror.changes import ChangeSet
from apps.mirror.selectors import picking_site_codes

PICKING_CHANGED = "picking.changed"


def publish_picking_changes(changes: ChangeSet) -> None:
    """Change-set subscriber (registered in LiveConfig.ready): one message per site and change set."""
    if changes.odoo_model != "stock.picking":
        return
    changed_ids = [*changes.created, *changes.updated, *changes.deleted]
    by_site: dict[str, list[int]] = defaultdict(list)
    for picking_id, site_code in picking_site_codes(changed_ids).items():
        by_site[site_code].append(picking_id)
    for site_code, picking_ids in by_site.items():
        send_now(site_group(site_code), PICKING_CHANGED, {"site": site_code, "pickings": sorted(picking_ids)})
