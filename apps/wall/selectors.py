"""Which board a wall shows, what comes next in rotation, and which shift is on."""

from datetime import datetime

from apps.sites.models import Site
from apps.wall.catalog import DEFAULT_TILES
from apps.wall.models import Board

SHIFTS = [(6, "Early shift"), (14, "Late shift"), (22, "Night shift")]


def board_for(site: Site, slug: str | None) -> Board | None:
    """The named board, the site's first, or (none configured) the default floor board."""
    boards = list(site.boards.all())
    if not boards:
        default = Board(site=site, slug="floor", name="Floor", tiles=list(DEFAULT_TILES))
        return default if slug in (None, "floor") else None
    if slug is None:
        return boards[0]
    return next((board for board in boards if board.slug == slug), None)


def next_board_slug(site: Site, board: Board) -> str | None:
    """The board to rotate to after board.rotate_after_s, or None to stay."""
    if not board.rotate_after_s or board.pk is None:
        return None
    slugs = list(site.boards.values_list("slug", flat=True))
    if len(slugs) < 2:
        return None
    return slugs[(slugs.index(board.slug) + 1) % len(slugs)]


def shift_name(local_now: datetime) -> str:
    hour = local_now.hour
    name = SHIFTS[-1][1]
    for start, label in SHIFTS:
        if hour >= start:
            name = label
    return name
