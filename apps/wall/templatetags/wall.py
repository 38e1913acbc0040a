from django import template

register = template.Library()


@register.filter
def short_role(label: str) -> str:
    """'Approver — procurement' → 'procurement', 'Shift supervisor' → 'shift supervisor' (the tile is
    narrow; a role named in several words keeps them all, as 'Chef d'équipe' does not survive a cut)."""
    return label.split("— ", 1)[-1].lower() if label else ""
