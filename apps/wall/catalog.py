"""The tiles a board can show: a key and the question each one answers."""

TILE_QUESTIONS = {
    "ships_next": "What ships next?",
}
DEFAULT_TILES = ["ships_next"]
