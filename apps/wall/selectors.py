"""Which board a wall shows and what comes next in rotation (the shift on comes from apps.sites.selectors)."""

from apps.live.strips import WALL_STRIPS, WallStrip
from apps.sites.models import Site
from apps.wall.catalog import DEFAULT_TILES
from apps.wall.models import Board


def board_for(site: Site, slug: str | None) -> Board | None:
    """The named board, the site's first, or (none configured) the default floor board."""
    boards = list(site.boards.all())
    if not boards:
        default = Board(site=site, slug="floor", name="Floor", tiles=list(DEFAULT_TILES))
        return default if slug in (None, "floor") else None
    if slug is None:
        return boards[0]
    return next((board for board in boards if board.slug == slug), None)


def strips_for(board: Board) -> list[WallStrip]:
    """The strips a board includes (their keys in its tile list); the default board shows every one offered."""
    if board.pk is None:
        return list(WALL_STRIPS)
    return [strip for strip in WALL_STRIPS if strip.key in board.tiles]


def next_board_slug(site: Site, board: Board) -> str | None:
    """The board to rotate to after board.rotate_after_s, or None to stay."""
    if not board.rotate_after_s or board.pk is None:
        return None
    slugs = list(site.boards.values_list("slug", flat=True))
    if len(slugs) < 2:
        return None
    return slugs[(slugs.index(board.slug) + 1) % len(slugs)]
