"""Boards: what a wall display shows for one site, configured by admins."""

from django.core.exceptions import ValidationError
from django.db import models

from apps.live.strips import WALL_STRIPS
from apps.wall.catalog import DEFAULT_TILES, TILE_QUESTIONS


def validate_tile_keys(value) -> None:
    known = [*TILE_QUESTIONS, *WALL_STRIPS.names()]  # tiles, and strips other apps offer (e.g. "on_call")
    unknown = [key for key in value or [] if key not in known] if isinstance(value, list) else value
    if not isinstance(value, list) or unknown:
        raise ValidationError(f"Tiles must be a list of: {', '.join(known)}; unknown: {unknown}")


def default_tiles() -> list[str]:
    return list(DEFAULT_TILES)


class Board(models.Model):
    site = models.ForeignKey("ct_sites.Site", on_delete=models.CASCADE, related_name="boards")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    tiles = models.JSONField(
        default=default_tiles, validators=[validate_tile_keys], help_text="Tile keys, in order (4–6)."
    )
    rotate_after_s = models.PositiveIntegerField(
        null=True, blank=True, help_text="Show the site's next board after this many seconds (empty: stay)."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["site", "position", "slug"]
        constraints = [models.UniqueConstraint(fields=["site", "slug"], name="one_board_slug_per_site")]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.slug}"
