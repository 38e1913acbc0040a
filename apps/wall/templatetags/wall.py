from django import template

register = template.Library()


@register.filter
def minutes_span(minutes) -> str:
    """A span of minutes as a person reads it from across the floor: 45 min, 3 h 20, 4 d 6 h."""
    if minutes is None:
        return "—"
    minutes = abs(int(minutes))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@register.filter
def short_role(label: str) -> str:
    """'Approver — procurement' → 'procurement' (the tile is narrow; the role is what matters)."""
    return label.split("— ", 1)[-1] if label else ""
