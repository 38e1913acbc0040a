"""The tiles a board can show: a key and the question each one answers."""

from django.utils.translation import gettext_lazy as _

TILE_QUESTIONS = {
    "on_fire": _("What is on fire?"),
    "ships_next": _("What ships next?"),
    "decisions": _("What waits on a decision?"),
    "docks": _("What is at the dock?"),
    # the open exceptions in the advisor's order (risk of missing the customer commitment), when it is installed
    "at_risk": _("What is most at risk?"),
}
DEFAULT_TILES = ["on_fire", "ships_next", "decisions"]
