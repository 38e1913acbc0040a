"""Tile renderers: each turns a site's current state into one partial, the same for the first page
load, the snapshot after a reconnect, and every live update (rendered once per change, whatever
the number of screens watching)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.roles import Role
from apps.approvals.selectors import site_decision_summary
from apps.cases.selectors import site_fire_summary
from apps.docks.selectors import site_dock_summary
from apps.mirror.selectors import SHIPS_NEXT_WINDOW, outgoing_due
from apps.sites.models import Site
from apps.wall.catalog import TILE_QUESTIONS


@dataclass(frozen=True)
class Tile:
    key: str
    context: Callable[[Site], dict]

    @property
    def question(self) -> str:
        return str(TILE_QUESTIONS[self.key])  # in the reader's language


def tile_element_id(key: str, site_code: str) -> str:
    return f"tile-{key}-{site_code}"


def _ships_next(site: Site) -> dict:
    now = timezone.now()
    due = outgoing_due(site.code, until=now + SHIPS_NEXT_WINDOW)
    rows = []
    for picking in due.first:
        seconds = (picking.scheduled_date - now).total_seconds() if picking.scheduled_date else None
        ready = picking.state == "assigned"
        status = "late" if seconds is not None and seconds < 0 else ("ready" if ready else "not-ready")
        rows.append({"picking": picking, "seconds": seconds, "status": status, "ready": ready})
    at_risk = due.at_risk
    return {
        "total": due.total,
        "late": due.late,
        "not_ready": due.not_ready,
        "at_risk": at_risk,
        "rows": rows,
        "level": "bad" if due.late else ("warn" if at_risk else "ok"),
    }


def _on_fire(site: Site) -> dict:
    summary = site_fire_summary(site.code)
    counts = dict((severity, count) for severity, _, count in summary["by_severity"])
    if counts.get("critical") or summary["breached"]:
        level = "bad"
    elif counts.get("high"):
        level = "warn"
    else:
        level = "ok"
    return {**summary, "level": level}


def _at_risk(site: Site) -> dict:
    """The open exceptions in the advisor's ranking (apps/cases/orderings.py); the usual order without it."""
    return {**_on_fire(site), **site_fire_summary(site.code, ordering="advisor")}


def _decisions(site: Site) -> dict:
    summary = site_decision_summary(site.code)
    for row in summary["requests"]:
        row["waits_on_label"] = Role(row["waits_on"]).label if row["waits_on"] in Role.values else row["waits_on"]
    level = "bad" if summary["past_sla"] else ("warn" if summary["total"] else "ok")
    return {**summary, "level": level}


DOCK_TILE_DOORS = 8  # rows readable from five metres; doors with trouble come first


def _docks(site: Site) -> dict:
    summary = site_dock_summary(site.code)
    doors = sorted(
        summary["doors"],
        key=lambda row: (
            not (row["occupied"] and row["occupied"].state == "overrun"),
            not any(v.state == "late" for v in row["next"]),
            not (row["occupied"] or row["next"]),
            row["door"].position,
        ),
    )
    level = "bad" if summary["late"] or summary["blocking"] else "ok"
    return {
        **summary,
        "rows": doors[:DOCK_TILE_DOORS],
        "more_doors": max(0, len(doors) - DOCK_TILE_DOORS),
        "level": level,
    }


TILES: dict[str, Tile] = {
    tile.key: tile
    for tile in [
        Tile("on_fire", _on_fire),
        Tile("ships_next", _ships_next),
        Tile("decisions", _decisions),
        Tile("docks", _docks),
        Tile("at_risk", _at_risk),
    ]
}


def render_tile(key: str, site: Site) -> str:
    tile = TILES[key]
    context = {"tile": tile, "site": site, "element_id": tile_element_id(key, site.code), **tile.context(site)}
    return render_to_string(f"wall/tiles/{key}.html", context)
