"""mirror_verify: compare the mirror with Odoo, field by field, and report every difference."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from apps.mirror.specs import MirrorSpec, spec_for
from apps.odoo.client import OdooClient, get_client

if TYPE_CHECKING:
    from typing import Any


@dataclass
class Drift:
    odoo_model: str
    missing: list[int] = field(default_factory=list)  # in Odoo, not in the mirror
    extra: list[int] = field(default_factory=list)  # in the mirror, gone from Odoo
    different: list[str] = field(default_factory=list)  # "id field: mirror X != odoo Y"
    different_ids: list[int] = field(default_factory=list)  # the records those lines are about
    checked: int = 0

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.different)


def verify_model(odoo_model: str, *, full: bool = False, sample: int = 500, client: OdooClient | None = None) -> Drift:
    """Compare id sets, then the values of `sample` random records (all of them with `full`)."""
    spec = spec_for(odoo_model)
    client = client or get_client()
    context = {"active_test": False} if spec.has_active else None
    drift = Drift(odoo_model)
    in_odoo = set(client.search(odoo_model, [], context=context))
    in_mirror = set(spec.model._default_manager.filter(is_deleted=False).values_list("odoo_id", flat=True))
    drift.missing = sorted(in_odoo - in_mirror)
    drift.extra = sorted(in_mirror - in_odoo)
    common = sorted(in_odoo & in_mirror)
    ids = common if full or len(common) <= sample else sorted(random.sample(common, sample))
    for odoo_row, mirror_row in _pairs(spec, client, ids, context):
        drift.checked += 1
        try:
            expected = spec.convert(odoo_row)
        except (KeyError, IndexError, TypeError, ValueError) as error:  # the sync leaves such rows out too
            drift.different.append(f"{odoo_row['id']}: Odoo's answer cannot be read ({error})")
            continue
        differs = False
        for column in spec.verified_columns:
            value = expected[column]
            if mirror_row[column] != value:
                drift.different.append(f"{odoo_row['id']} {column}: mirror {mirror_row[column]!r} != odoo {value!r}")
                differs = True
        if differs:
            drift.different_ids.append(odoo_row["id"])
    return drift


def _pairs(
    spec: MirrorSpec, client: OdooClient, ids: list[int], context: dict[str, Any] | None
) -> Iterator[tuple[dict, dict]]:
    chunk = 1000
    for start in range(0, len(ids), chunk):
        batch = ids[start : start + chunk]
        odoo_rows = client.read(spec.odoo_model, batch, [*spec.odoo_fields, "write_date"], context=context)
        mirror_rows = {
            row["odoo_id"]: row
            for row in spec.model._default_manager.filter(odoo_id__in=batch).values("odoo_id", *spec.columns)
        }
        for odoo_row in odoo_rows:
            if odoo_row["id"] in mirror_rows:
                yield odoo_row, mirror_rows[odoo_row["id"]]
