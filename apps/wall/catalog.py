"""The tiles a board can show: a key and the question each one answers."""

TILE_QUESTIONS = {
    "on_fire": "What is on fire?",
    "ships_next": "What ships next?",
    "decisions": "What waits on a decision?",
    "docks": "What is at the dock?",
    # the open exceptions in the advisor's order (risk of missing the customer commitment), when it is installed
    "at_risk": "What is most at risk?",
}
DEFAULT_TILES = ["on_fire", "ships_next", "decisions"]
