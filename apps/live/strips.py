"""Wall strips: a thin band along the bottom of a wall board (e.g. who is on call), owned by an app that sits beside
the wall in the layers. The owner registers a WallStrip in its AppConfig.ready; the wall renders the ones a board
includes (by key, in the board's tile list) and re-publishes them with its time-based tiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apps.core.registry import Registry
from apps.sites.models import Site


@dataclass(frozen=True)
class WallStrip:
    key: str
    label: str
    render: Callable[[Site], str]  # the strip's HTML; its root element's id is strip_element_id(key, site.code)


def strip_element_id(key: str, site_code: str) -> str:
    return f"strip-{key}-{site_code}"


WALL_STRIPS: Registry[WallStrip] = Registry("wall strips")
